/// The byte-level state of a document being generated: a literal prefix, one JSON value valid
/// against a `JSONSchema`, a literal suffix. A value type; copies are independent.
///
/// The state is a set of parse stacks (more than one while an `anyOf` is ambiguous) over a shared
/// arena of pushed frames. The compiler removed every schema no finite document satisfies, so
/// every stack can still finish its document (nesting limit aside): the bytes so far are a
/// prefix of some valid document exactly when the set is not empty.
struct JSONMatcher: Sendable {
    let schema: JSONSchema
    let prefix: [UInt8]
    let suffix: [UInt8]
    private(set) var stacks: [JSONParseStack]
    private(set) var arena: [JSONParseStack] = []

    init(schema: JSONSchema, prefix: [UInt8] = [], suffix: [UInt8] = []) {
        self.schema = schema
        self.prefix = prefix
        self.suffix = suffix
        stacks = [JSONParseStack(top: JSONFrame(phase: prefix.isEmpty ? .value : .prefix), rest: -1)]
    }

    /// A stepper over the current stacks: `reserve` small for a token, large for a mask walk.
    func makeStepper(reserve: Int = 16) -> JSONStepper {
        JSONStepper(schema: schema, prefix: prefix, suffix: suffix, arena: arena, stacks: stacks, reserve: reserve)
    }

    /// Whether `bytes` may come next.
    func accepts(_ bytes: some Collection<UInt8>) -> Bool {
        var stepper = makeStepper()
        return stepper.feed(bytes)
    }

    /// Moves past `bytes`. Bytes that `accepts` refuses leave no stack: nothing is allowed after.
    mutating func advance(_ bytes: some Collection<UInt8>) {
        var stepper = makeStepper()
        _ = stepper.feed(bytes)
        stacks = Array(stepper.out.items)
        arena = Array(stepper.arena.items)
        compact()
    }

    /// Sets `mask[id]` for every token of `trie` whose bytes may come next, clears the rest.
    ///
    /// Inside a string (every reading in a string, no escape or character pending) a plain-text
    /// token is allowed exactly when its code points fit in some reading's room; only the other
    /// tokens are walked.
    func allowedTokens(in trie: TokenTrie, into mask: inout [Bool]) {
        var stepper = makeStepper(reserve: 1024)
        let inString = !stacks.isEmpty && stacks.allSatisfy { if case .stringBody = $0.top.phase { true } else { false } }
        mask.withUnsafeMutableBufferPointer { mask in
            guard inString else {
                mask.update(repeating: false)
                return stepper.walk(trie.all, into: mask)
            }
            let plain = trie.plainString
            let room = stacks.map { $0.top.b - $0.top.a }.max()!
            if mask.count == plain.mask.count && room >= plain.codePoints.last ?? 0 {
                _ = mask.update(fromContentsOf: plain.mask)
            } else {
                mask.update(repeating: false)
                for k in plain.codePoints.indices {
                    guard plain.codePoints[k] <= room else { break }
                    if Int(plain.ids[k]) < mask.count { mask[Int(plain.ids[k])] = true }
                }
            }
            stepper.walk(plain.others, into: mask)
        }
    }

    /// The document may end here.
    var isComplete: Bool { stacks.contains { canFinish($0) } }

    /// The document may end here and no byte may follow.
    var mustEnd: Bool {
        guard isComplete else { return false }
        if stacks.allSatisfy({ $0.top.phase == .done }) { return true }
        return !(0...255).contains { accepts(CollectionOfOne(UInt8($0))) }
    }

    /// Whether the stack's document is complete, once values that may end without a closing
    /// byte (numbers, literals such as `1` in `[1, 12]`) are ended.
    func canFinish(_ stack: JSONParseStack) -> Bool {
        var s = stack
        while true {
            switch s.top.phase {
            case .done: return true
            case .zero, .integer, .fraction, .exponentDigits: s = arena[Int(s.rest)]
            case .literal:
                guard s.top.a < s.top.b else { return false }
                let first = schema.literals[Int(s.top.a)]
                guard first.end - first.start == s.top.c else { return false }
                s = arena[Int(s.rest)]
            default: return false
            }
        }
    }

    /// Keeps only the arena entries the stacks still reach, in the same order (an entry's `rest`
    /// stays below it), so the arena does not grow with the document.
    private mutating func compact() {
        var moved = [Int32](repeating: -1, count: arena.count)
        var kept = [JSONParseStack]()
        var chain = [Int32]()
        for k in stacks.indices {
            var i = stacks[k].rest
            while i >= 0 && moved[Int(i)] < 0 { chain.append(i); i = arena[Int(i)].rest }
            while let j = chain.popLast() {
                var entry = arena[Int(j)]
                if entry.rest >= 0 { entry.rest = moved[Int(entry.rest)] }
                moved[Int(j)] = Int32(kept.count)
                kept.append(entry)
            }
            if stacks[k].rest >= 0 { stacks[k].rest = moved[Int(stacks[k].rest)] }
        }
        arena = kept
    }
}

extension JSONStepper {
    /// Feeds `bytes` one at a time to the stacks in `out`; false as soon as none is left.
    /// Afterwards `out` holds exactly the resulting stacks.
    mutating func feed(_ bytes: some Collection<UInt8>) -> Bool {
        for byte in bytes {
            let end = out.count
            levelStart = end
            for i in 0..<end { step(out[i], byte) }
            let produced = out.count - end
            for i in 0..<produced { out[i] = out[end + i] }
            out.cut(to: produced)
            if produced == 0 { return false }
        }
        return true
    }
}
