// Strings (escapes, UTF-8, surrogate pairs, length in code points), numbers, literal sets.
extension JSONStepper {
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
