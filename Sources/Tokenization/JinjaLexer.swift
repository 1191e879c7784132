// Splits template source into text and tag tokens, applying jinja2's whitespace control exactly as
// HF transformers configures it: `trim_blocks=True` (drop the newline right after `%}` and `#}`),
// `lstrip_blocks=True` (drop spaces and tabs between a line start and `{%` / `{#`), plus the
// explicit `-` (strip all whitespace on that side) and `+` (keep it) markers.

struct JinjaToken: Sendable {
    enum Kind: Sendable, Equatable {
        case text(String)
        case variableBegin, variableEnd, blockBegin, blockEnd
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        case op(String)
        case eof
    }
    var kind: Kind
    var position: SourcePosition
}

struct JinjaLexer {
    private let src: [Unicode.Scalar]
    private var lineStarts: [Int] = [0]
    private var tokens: [JinjaToken] = []
    /// Whether the last thing consumed ended a line (jinja2's `line_starting`), which lets
    /// `lstrip_blocks` strip indentation right after a tag that ate its newline.
    private var lineStarting = true

    private static let operators = ["//", "**", "==", "!=", ">=", "<=",
                                    "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}",
                                    ">", "<", "=", ".", ":", "|", ",", ";"].map { Array($0.unicodeScalars) }

    init(source: String) {
        // jinja2 re-joins `source.splitlines()` with "\n": every line break becomes "\n" and one
        // trailing line break is dropped (keep_trailing_newline=False).
        src = Array(PythonText.splitLines(source).joined(separator: "\n").unicodeScalars)
        for (i, c) in src.enumerated() where c == "\n" { lineStarts.append(i + 1) }
    }

    static func tokenize(_ source: String) throws(ChatTemplateError) -> [JinjaToken] {
        var lexer = JinjaLexer(source: source)
        try lexer.run()
        return lexer.tokens
    }

    func position(_ index: Int) -> SourcePosition {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= index { lo = mid } else { hi = mid - 1 }
        }
        return SourcePosition(line: lo + 1, column: index - lineStarts[lo] + 1)
    }

    private func syntax(_ message: String, at index: Int) -> ChatTemplateError {
        let p = position(index)
        return .syntax(message: message, line: p.line, column: p.column)
    }

    private func at(_ i: Int, _ s: String) -> Bool {
        var j = i
        for c in s.unicodeScalars {
            guard j < src.count, src[j] == c else { return false }
            j += 1
        }
        return true
    }

    private func skipSpace(from i: Int) -> Int {
        var j = i
        while j < src.count, PythonText.isSpace(src[j]) { j += 1 }
        return j
    }

    private mutating func emit(_ kind: JinjaToken.Kind, at index: Int) {
        tokens.append(JinjaToken(kind: kind, position: position(index)))
    }

    private mutating func run() throws(ChatTemplateError) {
        var pos = 0
        while pos < src.count {
            guard let tagStart = nextTagStart(from: pos) else {
                emit(.text(PythonText.string(src[pos...])), at: pos)
                break
            }
            let kind = src[tagStart + 1]
            var p = tagStart + 2
            var sign: Unicode.Scalar? = nil
            if p < src.count, src[p] == "-" || src[p] == "+" { sign = src[p]; p += 1 }
            let rawEnd = kind == "%" ? rawBeginEnd(from: p) : nil
            let text = leftStripped(src[pos..<tagStart], sign: sign, isVariable: kind == "{")
            if !text.isEmpty { emit(.text(PythonText.string(text)), at: pos) }
            if let rawEnd {
                lineStarting = src[rawEnd - 1] == "\n"
                pos = try lexRaw(from: rawEnd, tagStart: tagStart)
            } else if kind == "#" {
                pos = try skipComment(from: p, tagStart: tagStart)
            } else {
                lineStarting = false
                emit(kind == "{" ? .variableBegin : .blockBegin, at: tagStart)
                pos = try lexTag(from: p, closing: kind, tagStart: tagStart)
            }
        }
        emit(.eof, at: src.count)
    }

    /// The index of the next `{{`, `{%` or `{#` at or after `i`.
    private func nextTagStart(from i: Int) -> Int? {
        var j = i
        while j + 1 < src.count {
            if src[j] == "{", src[j + 1] == "{" || src[j + 1] == "%" || src[j + 1] == "#" { return j }
            j += 1
        }
        return nil
    }

    /// The text before a tag after the tag's whitespace control.
    private func leftStripped(_ text: ArraySlice<Unicode.Scalar>, sign: Unicode.Scalar?, isVariable: Bool) -> ArraySlice<Unicode.Scalar> {
        if sign == "-" {
            var end = text.endIndex
            while end > text.startIndex, PythonText.isSpace(text[end - 1]) { end -= 1 }
            return text[text.startIndex..<end]
        }
        guard sign != "+", !isVariable else { return text }
        // lstrip_blocks: the text between the last newline and the tag, if all whitespace, goes.
        let lineStart = (text.lastIndex(of: "\n").map { $0 + 1 }) ?? text.startIndex
        guard lineStart > text.startIndex || lineStarting, lineStart < text.endIndex,
              text[lineStart...].allSatisfy(PythonText.isSpace) else { return text }
        return text[text.startIndex..<lineStart]
    }

    /// After `{%` and its sign: if this is `{% raw %}`, the index just past it.
    private func rawBeginEnd(from i: Int) -> Int? {
        var j = skipSpace(from: i)
        guard at(j, "raw") else { return nil }
        j = skipSpace(from: j + 3)
        if at(j, "-%}") { return skipSpace(from: j + 3) }
        if at(j, "%}") { return j + 2 }
        return nil
    }

    /// Emits the body of a raw block as text; returns the index after `{% endraw %}`.
    private mutating func lexRaw(from start: Int, tagStart: Int) throws(ChatTemplateError) -> Int {
        var q = start
        while q + 1 < src.count {
            if src[q] == "{", src[q + 1] == "%" {
                var j = q + 2
                var sign: Unicode.Scalar? = nil
                if j < src.count, src[j] == "-" || src[j] == "+" { sign = src[j]; j += 1 }
                j = skipSpace(from: j)
                if at(j, "endraw") {
                    j = skipSpace(from: j + 6)
                    var end: Int? = nil
                    var startsLine = false
                    if at(j, "+%}") { end = j + 3 }
                    else if at(j, "-%}") { end = skipSpace(from: j + 3); startsLine = src[end! - 1] == "\n" }
                    else if at(j, "%}") {
                        end = j + 2
                        if end! < src.count, src[end!] == "\n" { end! += 1; startsLine = true }
                    }
                    if let end {
                        let body = leftStripped(src[start..<q], sign: sign, isVariable: false)
                        if !body.isEmpty { emit(.text(PythonText.string(body)), at: start) }
                        lineStarting = startsLine
                        return end
                    }
                }
            }
            q += 1
        }
        throw syntax("Missing end of raw directive", at: tagStart)
    }

    /// Skips a comment; returns the index after its end tag.
    private mutating func skipComment(from i: Int, tagStart: Int) throws(ChatTemplateError) -> Int {
        var q = i
        while q < src.count {
            if at(q, "+#}") { lineStarting = false; return q + 3 }
            if at(q, "-#}") {
                let end = skipSpace(from: q + 3)
                lineStarting = src[end - 1] == "\n"
                return end
            }
            if at(q, "#}") {
                if q + 2 < src.count, src[q + 2] == "\n" { lineStarting = true; return q + 3 }
                lineStarting = false
                return q + 2
            }
            q += 1
        }
        throw syntax("Missing end of comment tag", at: tagStart)
    }

    /// Tokenizes the inside of `{{ }}` or `{% %}`; returns the index after the end tag.
    private mutating func lexTag(from i: Int, closing: Unicode.Scalar, tagStart: Int) throws(ChatTemplateError) -> Int {
        var p = i
        var balance: [Unicode.Scalar] = []
        let isBlock = closing == "%"
        let endText = isBlock ? "%}" : "}}"
        while true {
            guard p < src.count else {
                throw syntax("unexpected end of template, expected '\(endText)' to close the tag", at: tagStart)
            }
            // End tags count only when brackets are balanced (`{{ {'a': 1}}}` is a dict then `}}`).
            if balance.isEmpty {
                if at(p, "-" + endText) {
                    emit(isBlock ? .blockEnd : .variableEnd, at: p)
                    let end = skipSpace(from: p + 3)
                    lineStarting = src[end - 1] == "\n"
                    return end
                }
                if isBlock, at(p, "+%}") {
                    emit(.blockEnd, at: p)
                    lineStarting = false
                    return p + 3
                }
                if at(p, endText) {
                    emit(isBlock ? .blockEnd : .variableEnd, at: p)
                    if isBlock, p + 2 < src.count, src[p + 2] == "\n" {
                        lineStarting = true
                        return p + 3
                    }
                    lineStarting = false
                    return p + 2
                }
            }
            let c = src[p]
            if PythonText.isSpace(c) {
                p = skipSpace(from: p)
            } else if c.properties.numericType == .decimal, c.isASCII {
                p = try lexNumber(at: p)
            } else if c == "_" || c.properties.isXIDStart {
                var j = p + 1
                while j < src.count, src[j] == "_" || src[j].properties.isXIDContinue { j += 1 }
                emit(.name(PythonText.string(src[p..<j])), at: p)
                p = j
            } else if c == "'" || c == "\"" {
                p = try lexString(at: p)
            } else if let op = Self.operators.first(where: { op in
                p + op.count <= src.count && src[p..<(p + op.count)].elementsEqual(op)
            }) {
                let text = PythonText.string(op)
                switch text {
                case "{": balance.append("}")
                case "(": balance.append(")")
                case "[": balance.append("]")
                case "}", ")", "]":
                    guard let expected = balance.popLast() else { throw syntax("unexpected '\(text)'", at: p) }
                    guard String(Character(expected)) == text else {
                        throw syntax("unexpected '\(text)', expected '\(Character(expected))'", at: p)
                    }
                default: break
                }
                emit(.op(text), at: p)
                p += op.count
            } else {
                throw syntax("unexpected char \(PythonText.repr(String(Character(c))))", at: p)
            }
        }
    }

    private func isDigit(_ i: Int, radix: Int = 10) -> Bool {
        guard i < src.count, let d = Int(String(Character(src[i])), radix: radix) else { return false }
        return d >= 0 && src[i].isASCII
    }

    /// `(\d+_)*\d+` from `i`: the index after it, or nil.
    private func digitRun(_ i: Int) -> Int? {
        guard isDigit(i) else { return nil }
        var j = i
        while true {
            while isDigit(j) { j += 1 }
            if j < src.count, src[j] == "_", isDigit(j + 1) { j += 1 } else { return j }
        }
    }

    private mutating func lexNumber(at p: Int) throws(ChatTemplateError) -> Int {
        // Float first, as jinja2 does: D.D, D.De±D or De±D (not right after a '.').
        if !(p > 0 && src[p - 1] == "."), let intEnd = digitRun(p) {
            var end: Int? = nil
            var j = intEnd
            if j < src.count, src[j] == ".", let fracEnd = digitRun(j + 1) { j = fracEnd; end = j }
            if j < src.count, src[j] == "e" || src[j] == "E" {
                var k = j + 1
                if k < src.count, src[k] == "+" || src[k] == "-" { k += 1 }
                if let expEnd = digitRun(k) { end = expEnd }
            }
            if let end {
                let text = PythonText.string(src[p..<end].filter { $0 != "_" })
                emit(.float(Double(text) ?? .infinity), at: p)
                return end
            }
        }
        var radix = 10, j = p
        if src[p] == "0", p + 1 < src.count {
            switch src[p + 1] {
            case "b", "B": radix = 2
            case "o", "O": radix = 8
            case "x", "X": radix = 16
            default: break
            }
        }
        if radix != 10 {
            j = p + 2
            while j < src.count, isDigit(j, radix: radix) || (src[j] == "_" && isDigit(j + 1, radix: radix)) { j += 1 }
            if j == p + 2 { radix = 10; j = p + 1 }
        } else if src[p] == "0" {
            j = p + 1
            while j < src.count, src[j] == "0" || (src[j] == "_" && j + 1 < src.count && src[j + 1] == "0") { j += 1 }
        } else {
            j = digitRun(p)!
        }
        let digits = PythonText.string(src[(radix == 10 ? p : p + 2)..<j].filter { $0 != "_" })
        guard let value = Int(digits, radix: radix) else {
            let pos = position(p)
            throw .unsupported(construct: "an integer literal beyond 64 bits", line: pos.line, column: pos.column)
        }
        emit(.integer(value), at: p)
        return j
    }

    private mutating func lexString(at p: Int) throws(ChatTemplateError) -> Int {
        let quote = src[p]
        var j = p + 1
        while j < src.count, src[j] != quote {
            if src[j] == "\\" { j += 1 }
            j += 1
        }
        guard j < src.count else { throw syntax("unexpected char \(PythonText.repr(String(Character(quote))))", at: p) }
        let value = try unescape(src[(p + 1)..<j], at: p)
        emit(.string(value), at: p)
        return j + 1
    }

    /// Python's `unicode-escape` decoding, which jinja2 applies to string literals.
    private func unescape(_ body: ArraySlice<Unicode.Scalar>, at start: Int) throws(ChatTemplateError) -> String {
        var out = String.UnicodeScalarView()
        var i = body.startIndex
        func hexValue(_ count: Int, _ what: String) throws(ChatTemplateError) -> UInt32 {
            guard i + count <= body.endIndex,
                  let v = UInt32(PythonText.string(body[i..<(i + count)]), radix: 16),
                  body[i..<(i + count)].allSatisfy({ $0.isASCII && $0.properties.isASCIIHexDigit }) else {
                throw syntax("truncated \(what) escape", at: start)
            }
            i += count
            return v
        }
        while i < body.endIndex {
            let c = body[i]
            i += 1
            guard c == "\\", i < body.endIndex else { out.append(c); continue }
            let e = body[i]
            i += 1
            switch e {
            case "\n": break
            case "\\", "'", "\"": out.append(e)
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "v": out.append("\u{0B}")
            case "0"..."7":
                var v = e.value - 0x30
                var n = 1
                while n < 3, i < body.endIndex, ("0"..."7").contains(body[i]) { v = v * 8 + body[i].value - 0x30; i += 1; n += 1 }
                out.append(Unicode.Scalar(v)!)
            case "x", "u", "U":
                let v = try hexValue(e == "x" ? 2 : e == "u" ? 4 : 8, "\\" + String(Character(e)) + "XX")
                guard let s = Unicode.Scalar(v) else { throw syntax("invalid code point in \\\(Character(e)) escape", at: start) }
                out.append(s)
            case "N":
                let pos = position(start)
                throw .unsupported(construct: "a \\N{...} escape", line: pos.line, column: pos.column)
            default:
                out.append("\\")
                out.append(e)
            }
        }
        return String(out)
    }
}
