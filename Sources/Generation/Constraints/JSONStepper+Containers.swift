// Objects and arrays: structural bytes, whitespace gaps, keys, and the values they contain.
extension JSONStepper {
    mutating func stepObject(_ f: JSONFrame, _ rest: Int32, _ byte: UInt8) {
        let shape = objects[Int(f.node)]
        var g = f
        switch f.phase {
        case .objectOpen:
            guard byte == UInt8(ascii: "{"), f.depth <= JSONGrammarLimits.depth else { return }
            g.phase = .objectFirst
            emit(JSONParseStack(top: g, rest: rest))
        case .objectFirst, .objectAfterComma:
            if Self.isWhitespace(byte) { return whitespace(f, rest) }
            if byte == UInt8(ascii: "\"") { return beginKey(f, shape, rest) }
            if byte == UInt8(ascii: "}") && f.phase == .objectFirst && shape.lastRequired < f.a { pop(JSONParseStack(top: f, rest: rest)) }
        case .key:
            let (lo, hi) = narrow(f.b, f.c, f.d, byte)
            guard lo < hi else { return }
            g.d += 1
            if literalLength(lo) == g.d {
                // Keys end with their closing quote, so none is a prefix of another: this is the one.
                g.phase = .afterKey
                g.b = literals[Int(lo)].payload
                g.gap = 0
            } else {
                g.b = lo; g.c = hi
            }
            emit(JSONParseStack(top: g, rest: rest))
        case .afterKey:
            if Self.isWhitespace(byte) { return whitespace(f, rest) }
            guard byte == UInt8(ascii: ":") else { return }
            g.phase = .beforeValue
            g.gap = 0
            emit(JSONParseStack(top: g, rest: rest))
        case .beforeValue:
            if Self.isWhitespace(byte) { return whitespace(f, rest) }
            g.phase = .objectAfterValue
            g.gap = 0
            let value: Int32
            if f.b >= 0 {
                value = properties[Int(shape.propertyStart + f.b)].value
                g.a = f.b + 1
            } else {
                value = shape.additional
            }
            beginValue(value, byte, parent: g, below: rest)
        case .objectAfterValue:
            if Self.isWhitespace(byte) { return whitespace(f, rest) }
            if byte == UInt8(ascii: ",") && hasNextKey(f, shape) {
                g.phase = .objectAfterComma
                g.gap = 0
                emit(JSONParseStack(top: g, rest: rest))
            } else if byte == UInt8(ascii: "}") && shape.lastRequired < f.a {
                pop(JSONParseStack(top: f, rest: rest))
            }
        default:
            return
        }
    }

    /// Whether another key may come: a listed property at or after `a`, or any key when the
    /// object is free-form.
    func hasNextKey(_ f: JSONFrame, _ shape: JSONSchema.ObjectShape) -> Bool {
        if shape.propertyCount == 0 { return shape.additional >= 0 }
        let set = Int(shape.keySetStart + f.a)
        return keySets[set] < keySets[set + 1]
    }

    /// The opening quote of a key: a listed key is matched against the keys that may come next;
    /// a free-form key is a string read by a frame of its own.
    mutating func beginKey(_ f: JSONFrame, _ shape: JSONSchema.ObjectShape, _ rest: Int32) {
        guard hasNextKey(f, shape) else { return }
        var g = f
        g.gap = 0
        if shape.propertyCount > 0 {
            let set = Int(shape.keySetStart + f.a)
            g.phase = .key
            g.b = keySets[set]; g.c = keySets[set + 1]; g.d = 1  // every key starts with the quote
            emit(JSONParseStack(top: g, rest: rest))
        } else {
            g.phase = .afterKey
            g.b = -1
            let below = Int32(arena.count)
            arena.append(JSONParseStack(top: g, rest: rest))
            emit(JSONParseStack(top: JSONFrame(phase: .stringBody, depth: f.depth + 1, b: Int32.max), rest: below))
        }
    }

    mutating func stepArray(_ f: JSONFrame, _ rest: Int32, _ byte: UInt8) {
        let shape = arrays[Int(f.node)]
        var g = f
        switch f.phase {
        case .arrayOpen:
            guard byte == UInt8(ascii: "["), f.depth <= JSONGrammarLimits.depth else { return }
            g.phase = .arrayFirst
            emit(JSONParseStack(top: g, rest: rest))
        case .arrayFirst, .arrayAfterComma:
            if Self.isWhitespace(byte) { return whitespace(f, rest) }
            if byte == UInt8(ascii: "]") {
                if f.phase == .arrayFirst && shape.minItems == 0 { pop(JSONParseStack(top: f, rest: rest)) }
                return
            }
            // The compiler caps maxItems where no item schema is left.
            guard f.a < shape.maxItems else { return }
            let item = f.a < shape.prefixCount ? itemNodes[Int(shape.prefixStart + f.a)] : shape.items
            g.phase = .arrayAfterValue
            g.gap = 0
            g.a += 1
            beginValue(item, byte, parent: g, below: rest)
        case .arrayAfterValue:
            if Self.isWhitespace(byte) { return whitespace(f, rest) }
            if byte == UInt8(ascii: ",") && f.a < shape.maxItems {
                g.phase = .arrayAfterComma
                g.gap = 0
                emit(JSONParseStack(top: g, rest: rest))
            } else if byte == UInt8(ascii: "]") && f.a >= shape.minItems {
                pop(JSONParseStack(top: f, rest: rest))
            }
        default:
            return
        }
    }
}
