extension BPETrainer {
    /// A pair of adjacent symbol ids, left in the high 32 bits: comparing keys compares
    /// (left, right) lexicographically, the tie-break order.
    typealias PairKey = UInt64

    @inline(__always) static func key(_ left: Int32, _ right: Int32) -> PairKey {
        UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))
    }

    /// Learns the merges from the words counted so far. `progress(done, limit)` is called
    /// now and then with the number of merges made and the most that could be made.
    public func train(progress: ((Int, Int) -> Void)? = nil) -> TokenizerJSON {
        var state = MergeState(trainer: self)
        state.run(vocabularySize: configuration.vocabularySize, minFrequency: max(1, configuration.minFrequency),
                  progress: progress)
        var added = [TokenizerJSON.AddedToken]()
        for (i, s) in state.tokens.prefix(state.specialCount).enumerated() {
            added.append(.init(id: i, content: s, special: true))
        }
        return TokenizerJSON(pattern: pattern, vocabulary: state.tokens, merges: state.merges, addedTokens: added)
    }
}

/// The merge loop's state. Symbols are token ids; `words[w]` is word w's current symbols.
struct MergeState {
    var tokens: [String] = []
    var idOfToken: [String: Int32] = [:]
    var specialCount = 0
    var merges: [String] = []
    var words: [[Int32]] = []
    var counts: [Int] = []
    /// Occurrences of each adjacent pair, weighted by word counts.
    var pairCounts: [BPETrainer.PairKey: Int] = [:]
    /// Words that contain (or once contained) each pair; may hold stale and repeated entries.
    var pairWords: [BPETrainer.PairKey: [Int32]] = [:]
    var heap = BinaryHeap<PairCount>()
    /// Per word: the merge step that last visited it (so repeated index entries are skipped).
    var visited: [Int32] = []

    init(trainer: BPETrainer) {
        for s in trainer.configuration.specialTokens where idOfToken[s] == nil { addToken(s) }
        specialCount = tokens.count
        // The byte symbols, in code-point order of their characters; one already present as a
        // special token keeps the special's id (as in HF).
        var byteID = [Int32](repeating: 0, count: 256)
        let byOrder = (0..<256).sorted { ByteLevelAlphabet.scalarOfByte[$0] < ByteLevelAlphabet.scalarOfByte[$1] }
        for b in byOrder {
            let text = String(UnicodeScalar(ByteLevelAlphabet.scalarOfByte[b])!)
            byteID[b] = idOfToken[text] ?? addToken(text)
        }
        words.reserveCapacity(trainer.wordCounts.count)
        for w in 0..<trainer.wordCounts.count {
            words.append(trainer.wordIndex.key(at: w).map { byteID[Int($0)] })
        }
        counts = trainer.wordCounts
        visited = Array(repeating: -1, count: words.count)
        for (w, symbols) in words.enumerated() where symbols.count > 1 {
            for i in 1..<symbols.count {
                let k = BPETrainer.key(symbols[i - 1], symbols[i])
                pairCounts[k, default: 0] += counts[w]
                pairWords[k, default: []].append(Int32(w))
            }
        }
        for (k, c) in pairCounts where c > 0 { heap.push(PairCount(count: c, key: k)) }
    }

    @discardableResult
    mutating func addToken(_ text: String) -> Int32 {
        let id = Int32(tokens.count)
        tokens.append(text)
        idOfToken[text] = id
        return id
    }

    mutating func run(vocabularySize: Int, minFrequency: Int, progress: ((Int, Int) -> Void)?) {
        let limit = max(0, vocabularySize - tokens.count)
        var step: Int32 = 0
        while tokens.count < vocabularySize, let top = heap.pop() {
            let current = pairCounts[top.key] ?? 0
            if top.count != current {  // stale: counts only fall, so re-queue with the true count
                if current > 0 { heap.push(PairCount(count: current, key: top.key)) }
                continue
            }
            if current < minFrequency { break }
            let left = Int32(truncatingIfNeeded: top.key >> 32), right = Int32(truncatingIfNeeded: top.key)
            let text = tokens[Int(left)] + tokens[Int(right)]
            let merged = idOfToken[text] ?? addToken(text)
            merges.append(tokens[Int(left)] + " " + tokens[Int(right)])
            apply(left, right, merged, step: step)
            step += 1
            if let progress, step % 1000 == 0 { progress(Int(step), limit) }
        }
        progress?(merges.count, limit)
    }

    /// Replaces every (left, right) by `merged` in the words that hold it, left to right without
    /// overlap, and updates the pair counts and the index; queues the new pairs.
    mutating func apply(_ left: Int32, _ right: Int32, _ merged: Int32, step: Int32) {
        let pair = BPETrainer.key(left, right)
        let list = pairWords.removeValue(forKey: pair) ?? []
        var touched = Set<BPETrainer.PairKey>()
        var out = [Int32]()
        for w32 in list {
            let w = Int(w32)
            if visited[w] == step { continue }
            visited[w] = step
            let symbols = words[w]
            out.removeAll(keepingCapacity: true)
            var i = 0
            while i < symbols.count {
                if i + 1 < symbols.count && symbols[i] == left && symbols[i + 1] == right {
                    out.append(merged); i += 2
                } else {
                    out.append(symbols[i]); i += 1
                }
            }
            if out.count == symbols.count { continue }  // stale entry: the pair is gone from this word
            let c = counts[w]
            for j in 1..<symbols.count { pairCounts[BPETrainer.key(symbols[j - 1], symbols[j])]! -= c }
            if out.count > 1 {
                for j in 1..<out.count {
                    let k = BPETrainer.key(out[j - 1], out[j])
                    pairCounts[k, default: 0] += c
                    if out[j - 1] == merged || out[j] == merged {
                        pairWords[k, default: []].append(w32)
                        touched.insert(k)
                    }
                }
            }
            words[w] = out
        }
        for k in touched { if let c = pairCounts[k], c > 0 { heap.push(PairCount(count: c, key: k)) } }
    }
}

/// A pair and its count in the trainer's queue (`BinaryHeap`): the highest count pops first, then
/// the smallest pair.
struct PairCount: HeapOrdered {
    var count: Int
    var key: UInt64

    @inline(__always) static func before(_ a: PairCount, _ b: PairCount) -> Bool {
        a.count != b.count ? a.count > b.count : a.key < b.key
    }
}
