/// Feeds one byte to parse stacks: the pushdown automaton of JSON shaped by a `JSONSchema`.
///
/// `step` reads a stack and appends every stack the byte leads to (none when the byte is
/// refused, several when an `anyOf` splits the reading) to `out`; frames it pushes go to
/// `arena`. Nothing else is modified, so a caller can cut both buffers back to undo a byte.
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

    init(schema: JSONSchema, prefix: [UInt8], suffix: [UInt8], arena: [JSONParseStack], stacks: [JSONParseStack]) {
        nodes = schema.nodes; objects = schema.objects; properties = schema.properties; keySets = schema.keySets
        arrays = schema.arrays; itemNodes = schema.itemNodes; alternatives = schema.alternatives
        literals = schema.literals; literalBytes = schema.literalBytes; root = schema.root
        self.prefix = prefix; self.suffix = suffix
        self.arena = JSONStackBuffer(arena, reserve: arena.count + 256)
        out = JSONStackBuffer(stacks, reserve: 1024)
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
}
