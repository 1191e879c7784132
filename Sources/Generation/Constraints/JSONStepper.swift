/// Feeds one byte to parse stacks: the pushdown automaton of JSON shaped by a `JSONSchema`.
///
/// `step` reads a stack and appends every stack the byte leads to (none when the byte is
/// refused, several when an `anyOf` splits the reading) to `out`; frames it pushes go to
/// `arena`. Nothing else is modified, so a caller can cut both buffers back to undo a byte.
///
/// The hot parts (dispatch, strings, buffers, the mask walk) share this file: in a string state
/// nearly every trie node steps a string, and debug builds do not inline across files.
struct JSONStepper {
    let nodes: [JSONSchema.Node]
    let objects: [JSONSchema.ObjectShape]
    let properties: [JSONSchema.Property]
    let keySets: [Int32]
    let arrays: [JSONSchema.ArrayShape]
    let itemNodes: [Int32]
    let alternatives: [Int32]
    let literals: [JSONSchema.Literal]
    let literalBytes: [UInt8]
    let root: Int32
    let prefix: [UInt8]
    let suffix: [UInt8]
    var arena: JSONStackBuffer
    var out: JSONStackBuffer
    /// Where the level being produced starts in `out` (for the cap on parallel readings).
    var levelStart = 0

    /// A stepper over `stacks` whose buffers have room for `reserve` more entries before growing.
    init(schema: JSONSchema, prefix: [UInt8], suffix: [UInt8], arena: [JSONParseStack], stacks: [JSONParseStack],
         reserve: Int) {
        nodes = schema.nodes; objects = schema.objects; properties = schema.properties; keySets = schema.keySets
        arrays = schema.arrays; itemNodes = schema.itemNodes; alternatives = schema.alternatives
        literals = schema.literals; literalBytes = schema.literalBytes; root = schema.root
        self.prefix = prefix; self.suffix = suffix
        self.arena = JSONStackBuffer(arena, reserve: arena.count + reserve)
        out = JSONStackBuffer(stacks, reserve: stacks.count + reserve)
    }

    @inline(__always) mutating func emit(_ s: JSONParseStack) {
        if out.count - levelStart < JSONGrammarLimits.readings { out.append(s) }
    }

    /// Ends the top value: the frame below it already stands after that value.
    @inline(__always) mutating func pop(_ s: JSONParseStack) { emit(arena[Int(s.rest)]) }

    mutating func step(_ s: JSONParseStack, _ byte: UInt8) {
        var f = s.top
        switch f.phase {
        case .prefix:
            guard byte == prefix[Int(f.a)] else { return }
            f.a += 1
            if Int(f.a) == prefix.count { f.phase = .value; f.a = 0 }
            emit(JSONParseStack(top: f, rest: s.rest))
        case .value:
            f.phase = suffix.isEmpty ? .done : .suffix
            beginValue(root, byte, parent: f, below: s.rest)
        case .suffix:
            guard byte == suffix[Int(f.a)] else { return }
            f.a += 1
            if Int(f.a) == suffix.count { f.phase = .done }
            emit(JSONParseStack(top: f, rest: s.rest))
        case .done:
            return
        case .objectOpen, .objectFirst, .key, .afterKey, .beforeValue, .objectAfterValue, .objectAfterComma:
            stepObject(f, s.rest, byte)
        case .arrayOpen, .arrayFirst, .arrayAfterValue, .arrayAfterComma:
            stepArray(f, s.rest, byte)
        case .stringOpen, .stringBody, .stringEscape, .stringUTF8, .stringHex, .lowSurrogateBackslash, .lowSurrogateU,
             .lowSurrogateHex:
            stepString(f, s.rest, byte)
        case .numberStart, .minus, .zero, .integer, .point, .fraction, .exponent, .exponentSign, .exponentDigits:
            stepNumber(f, s.rest, byte)
        case .literal:
            stepLiteral(f, s.rest, byte)
        }
    }

    /// Starts a value of `node` with its first byte; `parent` (already standing after the value)
    /// is pushed below it. An `anyOf` starts every alternative.
    mutating func beginValue(_ node: Int32, _ byte: UInt8, parent: JSONFrame, below: Int32) {
        let rest = Int32(arena.count)
        arena.append(JSONParseStack(top: parent, rest: below))
        let n = nodes[Int(node)]
        if n.kind == .anyOf {
            for i in Int(n.a)..<Int(n.b) {
                step(JSONParseStack(top: firstFrame(alternatives[i], depth: parent.depth + 1), rest: rest), byte)
            }
        } else {
            step(JSONParseStack(top: firstFrame(node, depth: parent.depth + 1), rest: rest), byte)
        }
    }

    /// The frame of a value of `node` (not an `anyOf`) before its first byte.
    func firstFrame(_ node: Int32, depth: UInt8) -> JSONFrame {
        let n = nodes[Int(node)]
        switch n.kind {
        case .object: return JSONFrame(phase: .objectOpen, depth: depth, node: n.a)
        case .array: return JSONFrame(phase: .arrayOpen, depth: depth, node: n.a)
        case .string: return JSONFrame(phase: .stringOpen, depth: depth, b: n.b, c: n.a)
        case .integer: return JSONFrame(phase: .numberStart, depth: depth, b: 1)
        case .number: return JSONFrame(phase: .numberStart, depth: depth)
        case .literals: return JSONFrame(phase: .literal, depth: depth, a: n.a, b: n.b)
        case .anyOf: return JSONFrame(phase: .literal, depth: depth)  // flattened away by the compiler
        }
    }

    /// A whitespace byte in a gap between tokens, while the gap is short enough.
    @inline(__always) mutating func whitespace(_ f: JSONFrame, _ rest: Int32) {
        guard f.gap < JSONGrammarLimits.whitespace else { return }
        var g = f
        g.gap += 1
        emit(JSONParseStack(top: g, rest: rest))
    }

    @inline(__always) static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// The entries of `lo ..< hi` (sorted, sharing their first `position` bytes) whose byte at
    /// `position` is `byte`: one binary search for each end.
    func narrow(_ lo: Int32, _ hi: Int32, _ position: Int32, _ byte: UInt8) -> (Int32, Int32) {
        @inline(__always) func at(_ i: Int32) -> Int {
            let e = literals[Int(i)]
            return e.start + position < e.end ? Int(literalBytes[Int(e.start + position)]) : -1
        }
        var l = lo, h = hi
        while l < h { let m = (l + h) / 2; if at(m) < Int(byte) { l = m + 1 } else { h = m } }
        let first = l
        h = hi
        while l < h { let m = (l + h) / 2; if at(m) <= Int(byte) { l = m + 1 } else { h = m } }
        return (first, l)
    }

    @inline(__always) func literalLength(_ i: Int32) -> Int32 { literals[Int(i)].end - literals[Int(i)].start }

    // MARK: Strings

    mutating func stepString(_ f: JSONFrame, _ rest: Int32, _ byte: UInt8) {
        var g = f
        switch f.phase {
        case .stringOpen:
            guard byte == UInt8(ascii: "\"") else { return }
            g.phase = .stringBody
        case .stringBody:
            switch byte {
            case UInt8(ascii: "\""):
                if f.a >= f.c { pop(JSONParseStack(top: f, rest: rest)) }
                return
            case UInt8(ascii: "\\"):
                guard f.a < f.b else { return }
                g.phase = .stringEscape
            case 0..<0x20:
                return
            case 0x20..<0x80:
                guard f.a < f.b else { return }
                g.a += 1
            default:
                guard f.a < f.b, let next = Self.utf8Continuation(lead: byte) else { return }
                g.a += 1
                g.phase = .stringUTF8
                g.d = next
            }
        case .stringUTF8:
            let due = f.d >> 16, lowest = (f.d >> 8) & 0xFF, highest = f.d & 0xFF
            guard Int32(byte) >= lowest && Int32(byte) <= highest else { return }
            if due == 1 { g.phase = .stringBody } else { g.d = (due - 1) << 16 | 0x80 << 8 | 0xBF }
        case .stringEscape:
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                g.a += 1
                g.phase = .stringBody
            case UInt8(ascii: "u"):
                g.phase = .stringHex
                g.d = 0
            default:
                return
            }
        case .stringHex, .lowSurrogateHex:
            guard let digit = Self.hexValue(byte) else { return }
            let read = f.d >> 16, value = f.d & 0xFFFF
            let low = f.phase == .lowSurrogateHex
            // \uD800-\uDBFF must be followed by \uDC00-\uDFFF; a low surrogate alone is refused.
            if low && read == 0 && digit != 0xD { return }
            if read == 1 && value == 0xD && (digit >= 0xC) != low { return }
            let v = value << 4 | digit
            if read < 3 {
                g.d = (read + 1) << 16 | v
            } else if !low && v >= 0xD800 && v <= 0xDBFF {
                g.phase = .lowSurrogateBackslash
            } else {
                g.a += 1
                g.phase = .stringBody
            }
        case .lowSurrogateBackslash:
            guard byte == UInt8(ascii: "\\") else { return }
            g.phase = .lowSurrogateU
        case .lowSurrogateU:
            guard byte == UInt8(ascii: "u") else { return }
            g.phase = .lowSurrogateHex
            g.d = 0
        default:
            return
        }
        emit(JSONParseStack(top: g, rest: rest))
    }

    /// For a UTF-8 lead byte: the continuation bytes due << 16 | the lowest << 8 | the highest
    /// allowed next byte (narrower after E0, ED, F0, F4: no overlong forms, no surrogates, nothing
    /// past U+10FFFF); nil for a byte that cannot start a character.
    static func utf8Continuation(lead: UInt8) -> Int32? {
        switch lead {
        case 0xC2...0xDF: return 1 << 16 | 0x80 << 8 | 0xBF
        case 0xE0: return 2 << 16 | 0xA0 << 8 | 0xBF
        case 0xED: return 2 << 16 | 0x80 << 8 | 0x9F
        case 0xE1...0xEF: return 2 << 16 | 0x80 << 8 | 0xBF
        case 0xF0: return 3 << 16 | 0x90 << 8 | 0xBF
        case 0xF4: return 3 << 16 | 0x80 << 8 | 0x8F
        case 0xF1...0xF3: return 3 << 16 | 0x80 << 8 | 0xBF
        default: return nil
        }
    }

    static func hexValue(_ byte: UInt8) -> Int32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    // MARK: The mask walk

    /// Sets `mask[id]` for every token of `trie` whose bytes the stacks in `out` accept (and
    /// leaves the other entries as they are).
    ///
    /// Walks the trie depth first, keeping the stacks after each byte of the current path as one
    /// level of `out`: a node steps its parent level by its byte, and a node whose level comes
    /// out empty is skipped with its whole subtree. Going back up only cuts `out` and `arena`,
    /// so the walk allocates nothing once the buffers have grown.
    mutating func walk(_ trie: TokenTrie.Trie, into mask: UnsafeMutableBufferPointer<Bool>) {
        // levelEnd[k]: end in `out` of the stacks after k bytes, which start at levelEnd[k - 1]
        // (at 0 for k = 0); arenaEnd[k]: arena length after k bytes.
        var levelEnd = [Int](repeating: 0, count: trie.depth + 1)
        var arenaEnd = levelEnd
        levelEnd[0] = out.count
        arenaEnd[0] = arena.count
        trie.nodes.withUnsafeBufferPointer { nodes in
            trie.tokenIDs.withUnsafeBufferPointer { tokenIDs in
                var i = 0
                let count = nodes.count - 1  // the last node is a sentinel
                while i < count {
                    let node = nodes[i]
                    let depth = Int(node.depth)
                    let parentStart = depth >= 2 ? levelEnd[depth - 2] : 0, parentEnd = levelEnd[depth - 1]
                    out.cut(to: parentEnd)
                    arena.cut(to: arenaEnd[depth - 1])
                    levelStart = parentEnd
                    for k in parentStart..<parentEnd { step(out[k], node.byte) }
                    if out.count == parentEnd {
                        i = Int(node.subtreeEnd)
                        continue
                    }
                    levelEnd[depth] = out.count
                    arenaEnd[depth] = arena.count
                    for t in Int(node.tokenStart)..<Int(nodes[i + 1].tokenStart) {
                        let id = Int(tokenIDs[t])
                        if id < mask.count { mask[id] = true }
                    }
                    i += 1
                }
            }
        }
    }
}

/// A growable list of parse stacks whose length can be cut back without freeing: the arena and
/// the per-byte levels of the mask walk reuse their storage.
struct JSONStackBuffer {
    private(set) var storage: [JSONParseStack]
    private(set) var count: Int

    init(_ items: [JSONParseStack], reserve: Int) {
        storage = items
        storage.reserveCapacity(reserve)
        count = items.count
    }

    @inline(__always) subscript(i: Int) -> JSONParseStack {
        get { storage[i] }
        set { storage[i] = newValue }
    }

    @inline(__always) mutating func append(_ s: JSONParseStack) {
        if count < storage.count { storage[count] = s } else { storage.append(s) }
        count += 1
    }

    /// Keeps the first `n` entries.
    @inline(__always) mutating func cut(to n: Int) { count = n }

    var items: ArraySlice<JSONParseStack> { storage[0..<count] }
}

/// Bounds that keep a constrained model from looping inside one token class forever.
enum JSONGrammarLimits {
    /// Whitespace bytes between two tokens of JSON: enough for `": "` and a newline with a few
    /// levels of two-space indent, not for a model that keeps emitting spaces.
    static let whitespace: UInt8 = 8
    /// Digits before the point: 15 keeps an integer exact in a double.
    static let integerDigits: Int32 = 15
    /// Digits after the point.
    static let fractionDigits: Int32 = 15
    /// Digits of an exponent: with the caps above, every number fits in a double (below 1e115).
    static let exponentDigits: Int32 = 2
    /// Objects and arrays nested in one another.
    static let depth: UInt8 = 64
    /// Parallel readings of an ambiguous prefix (`anyOf` branches) kept at once; more are dropped,
    /// which narrows the output but never lets an invalid one through.
    static let readings = 256
}
