import Compute

/// Picks the next token from logits, in llama.cpp's default chain order:
/// penalties → top-k → top-p → min-p → temperature → draw. Temperature 0 takes the argmax
/// after penalties. Deterministic for a given seed.
public struct Sampler: Sendable {
    public let parameters: SamplingParameters
    private var random: Xoshiro256
    /// Scratch candidate list, reused between calls.
    private var candidates: [(id: Int, logit: Float)] = []

    public init(_ parameters: SamplingParameters) {
        self.parameters = parameters
        random = Xoshiro256(seed: parameters.seed ?? UInt64.random(in: .min ... .max))
    }

    /// The next token for `logits`, (vocabulary) f32, after `history` (prompt and output so far).
    /// `logits` is modified by the penalties.
    public mutating func sample(_ logits: UnsafeMutablePointer<Float>, vocabularySize n: Int, history: [Int]) -> Int {
        applyPenalties(logits, n, history)
        return choose(logits, vocabularySize: n)
    }

    /// The chain after the penalties: top-k → top-p → min-p → temperature → draw (or the argmax
    /// at temperature 0). Used alone to draw again from logits already penalised and masked.
    public mutating func choose(_ logits: UnsafeMutablePointer<Float>, vocabularySize n: Int) -> Int {
        if parameters.temperature <= 0 { return Kernels.argmax(logits, n).index }
        selectCandidates(logits, n)
        // Softmax over the (sorted, descending) candidates at temperature 1 for the cut-offs.
        var probabilities = softmax(candidates.map(\.logit), temperature: 1)
        if parameters.topP < 1 {
            var sum: Float = 0
            var keep = candidates.count
            for (i, p) in probabilities.enumerated() {
                sum += p
                if sum >= parameters.topP { keep = i + 1; break }
            }
            candidates.removeSubrange(keep...)
            probabilities.removeSubrange(keep...)
        }
        if parameters.minP > 0, let top = probabilities.first {
            let threshold = top * parameters.minP
            let keep = max(1, probabilities.firstIndex(where: { $0 < threshold }) ?? probabilities.count)
            candidates.removeSubrange(keep...)
        }
        let final = softmax(candidates.map(\.logit), temperature: parameters.temperature)
        let u = Float(random.nextUnit())
        var cumulative: Float = 0
        for (i, p) in final.enumerated() {
            cumulative += p
            if u < cumulative { return candidates[i].id }
        }
        return candidates.last!.id
    }

    /// llama.cpp's penalties over the last `penaltyWindow` tokens of history.
    func applyPenalties(_ logits: UnsafeMutablePointer<Float>, _ n: Int, _ history: [Int]) {
        let p = parameters
        guard p.repetitionPenalty != 1 || p.presencePenalty != 0 || p.frequencyPenalty != 0, !history.isEmpty else { return }
        let window = p.penaltyWindow < 0 ? history.count : min(p.penaltyWindow, history.count)
        guard window > 0 else { return }
        var counts = [Int: Int]()
        for t in history.suffix(window) where t >= 0 && t < n { counts[t, default: 0] += 1 }
        for (t, count) in counts {
            var l = logits[t]
            if p.repetitionPenalty != 1 { l = l > 0 ? l / p.repetitionPenalty : l * p.repetitionPenalty }
            l -= Float(count) * p.frequencyPenalty + p.presencePenalty
            logits[t] = l
        }
    }

    /// The top-k candidates (or all), sorted by logit descending (ties: lower id first).
    mutating func selectCandidates(_ logits: UnsafeMutablePointer<Float>, _ n: Int) {
        candidates.removeAll(keepingCapacity: true)
        let k = parameters.topK > 0 ? min(parameters.topK, n) : n
        if k == n {
            // Without top-k, sorting the whole vocabulary would cost milliseconds per token. Tokens
            // more than 25·max(1, T) below the best carry at most e^-25 of its probability each at
            // temperature T (≤ 3e-6 in total over 200k tokens): leave them out of the candidates.
            let best = Kernels.argmax(logits, n).value
            let floor = best - 25 * max(1, parameters.temperature)
            for i in 0..<n where logits[i] >= floor { candidates.append((i, logits[i])) }
        } else {
            // A min-heap of the k best seen so far: O(n log k), no full sort of the vocabulary.
            var heap = MinHeap(capacity: k)
            for i in 0..<n { heap.offer(id: i, logit: logits[i]) }
            candidates = heap.items
        }
        candidates.sort { $0.logit != $1.logit ? $0.logit > $1.logit : $0.id < $1.id }
    }

    func softmax(_ logits: [Float], temperature: Float) -> [Float] {
        guard let m = logits.first else { return [] }
        let e = logits.map { expf(($0 - m) / temperature) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }
}

/// A fixed-capacity min-heap by logit, keeping the largest `capacity` entries offered.
struct MinHeap {
    let capacity: Int
    var items: [(id: Int, logit: Float)] = []

    init(capacity: Int) { self.capacity = capacity; items.reserveCapacity(capacity) }

    /// Worse-than: lower logit, or equal logit and higher id (so ties keep the lower id).
    @inline(__always) func less(_ a: (id: Int, logit: Float), _ b: (id: Int, logit: Float)) -> Bool {
        a.logit != b.logit ? a.logit < b.logit : a.id > b.id
    }

    mutating func offer(id: Int, logit: Float) {
        let e = (id: id, logit: logit)
        if items.count < capacity {
            items.append(e)
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard less(items[i], items[parent]) else { break }
                items.swapAt(i, parent); i = parent
            }
        } else if less(items[0], e) {
            items[0] = e
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var smallest = i
                if l < items.count, less(items[l], items[smallest]) { smallest = l }
                if r < items.count, less(items[r], items[smallest]) { smallest = r }
                if smallest == i { break }
                items.swapAt(i, smallest); i = smallest
            }
        }
    }
}

/// xoshiro256** seeded by SplitMix64: small, fast, and the same sequence on every platform.
public struct Xoshiro256: Sendable {
    var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 53 bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

#if canImport(Glibc)
import Glibc
#endif
