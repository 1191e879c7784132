// Numbers and literal sets: values that may end without a closing byte.
extension JSONStepper {
    /// RFC 8259 numbers: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. A number has
    /// no closing byte: where it could end, the byte is also offered to the frame below.
    mutating func stepNumber(_ f: JSONFrame, _ rest: Int32, _ byte: UInt8) {
        let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        let integerOnly = f.b == 1
        var g = f
        var next: JSONPhase? = nil
        switch f.phase {
        case .numberStart, .minus:
            if byte == UInt8(ascii: "-") && f.phase == .numberStart { next = .minus }
            else if byte == UInt8(ascii: "0") { next = .zero }
            else if isDigit { next = .integer; g.a = 1 }
        case .zero, .integer:
            if isDigit && f.phase == .integer && f.a < JSONGrammarLimits.integerDigits { next = .integer; g.a += 1 }
            else if byte == UInt8(ascii: ".") && !integerOnly { next = .point }
            else if (byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")) && !integerOnly { next = .exponent }
        case .point:
            if isDigit { next = .fraction; g.a = 1 }
        case .fraction:
            if isDigit && f.a < JSONGrammarLimits.fractionDigits { next = .fraction; g.a += 1 }
            else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { next = .exponent }
        case .exponent, .exponentSign:
            if (byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")) && f.phase == .exponent { next = .exponentSign }
            else if isDigit { next = .exponentDigits; g.a = 1 }
        case .exponentDigits:
            if isDigit && f.a < JSONGrammarLimits.exponentDigits { next = .exponentDigits; g.a += 1 }
        default:
            return
        }
        if let next {
            g.phase = next
            emit(JSONParseStack(top: g, rest: rest))
        }
        if Self.numberMayEnd(f.phase) { step(arena[Int(rest)], byte) }
    }

    static func numberMayEnd(_ phase: JSONPhase) -> Bool {
        phase == .zero || phase == .integer || phase == .fraction || phase == .exponentDigits
    }

    /// A set of literal texts read together; where one of them is complete but longer ones are
    /// still possible (`1` and `12`), the byte is also offered to the frame below.
    mutating func stepLiteral(_ f: JSONFrame, _ rest: Int32, _ byte: UInt8) {
        let (lo, hi) = narrow(f.a, f.b, f.c, byte)
        if lo < hi {
            if hi - lo == 1 && literalLength(lo) == f.c + 1 {
                pop(JSONParseStack(top: f, rest: rest))
            } else {
                var g = f
                g.a = lo; g.b = hi; g.c += 1
                emit(JSONParseStack(top: g, rest: rest))
            }
        }
        if literalMayEnd(f) { step(arena[Int(rest)], byte) }
    }

    /// Whether the literal read so far is one of the set (the shortest entry sorts first).
    func literalMayEnd(_ f: JSONFrame) -> Bool { f.a < f.b && literalLength(f.a) == f.c }
}
