/// One token of HTML, as byte ranges into the input (nothing is copied or decoded here).
enum HTMLToken: Equatable {
    /// Character data `start..<end`. `raw` is true inside script/style-like elements, whose
    /// content is never entity-decoded; text elsewhere (and in title/textarea) may hold references.
    case text(start: Int, end: Int, raw: Bool)
    /// `<name attr=value …>`; the attributes are in `HTMLTokenizer.attributes` until the next call.
    case startTag(HTMLTag, key: HTMLTag.Key, selfClosing: Bool)
    /// `</name>`.
    case endTag(HTMLTag, key: HTMLTag.Key)
    /// `<!-- … -->`, `<? … >`, `<! … >` other than a doctype: the content range.
    case comment(start: Int, end: Int)
    /// `<!DOCTYPE …>`: the range after the keyword.
    case doctype(start: Int, end: Int)
    /// `<![CDATA[ … ]]>`: the content range (treated as text by the tree builder).
    case cdata(start: Int, end: Int)
}

/// One attribute of the last start tag: name and value as byte ranges (value may hold references).
struct HTMLAttributeSpan: Equatable {
    var nameStart: Int, nameEnd: Int
    var valueStart: Int, valueEnd: Int
}

/// An HTML tokenizer over UTF-8 bytes, written for speed: one forward pass, no allocation per
/// token (attributes go to a reused buffer), byte ranges instead of strings. It follows the
/// WHATWG tokenizer where it matters for text extraction (raw-text elements, comments, bogus
/// comments, unquoted attributes, '<' that starts no tag) and never traps on malformed input:
/// at the end of the input an unfinished tag is dropped and an unfinished comment ends there.
struct HTMLTokenizer {
    /// The input; the caller keeps it alive for the tokenizer's lifetime.
    let bytes: UnsafeBufferPointer<UInt8>
    /// Index of the next unread byte.
    private(set) var position = 0
    /// Attributes of the most recent `.startTag`.
    private(set) var attributes: [HTMLAttributeSpan] = []
    /// Set after a raw-text start tag: its text runs to the matching end tag.
    private var rawText: (tag: HTMLTag, key: HTMLTag.Key)?

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        attributes.reserveCapacity(16)
    }

    /// The next token, or nil at the end of the input.
    mutating func next() -> HTMLToken? {
        let end = bytes.count
        if let raw = rawText {
            rawText = nil
            return rawTextToken(raw.tag, raw.key)
        }
        while position < end {
            if bytes[position] != 0x3C { // '<'
                let start = position
                position += 1
                while position < end, bytes[position] != 0x3C { position += 1 }
                return .text(start: start, end: position, raw: false)
            }
            if let token = markup() { return token }
        }
        return nil
    }

    /// Reads the markup at `position` ('<'). Returns nil when the '<' (or a dropped construct)
    /// produced no token; `position` has then moved past it.
    private mutating func markup() -> HTMLToken? {
        let end = bytes.count
        let start = position
        guard start + 1 < end else { position = end; return .text(start: start, end: end, raw: false) }
        let c = bytes[start + 1]
        if isLetter(c) { return startTag() }
        if c == 0x2F { // '/'
            if start + 2 < end, isLetter(bytes[start + 2]) { return endTag() }
            if start + 2 < end, bytes[start + 2] == 0x3E { position = start + 3; return nil } // "</>"
            return bogusComment(from: start + 2)
        }
        if c == 0x21 { return declaration() } // '!'
        if c == 0x3F { return bogusComment(from: start + 1) } // '?'
        // A lone '<': text up to the next '<'.
        position = start + 1
        while position < end, bytes[position] != 0x3C { position += 1 }
        return .text(start: start, end: position, raw: false)
    }

    private mutating func startTag() -> HTMLToken? {
        let end = bytes.count
        var i = position + 1
        var key = HTMLTag.Key(low: 0, high: 0)
        let nameStart = i
        while i < end, !isSpace(bytes[i]), bytes[i] != 0x2F, bytes[i] != 0x3E {
            if i - nameStart < 16 { key.add(bytes[i], at: i - nameStart) }
            i += 1
        }
        let tag = i - nameStart <= 16 ? HTMLTag.byKey[key] ?? .other : .other
        attributes.removeAll(keepingCapacity: true)
        var selfClosing = false
        while true {
            while i < end, isSpace(bytes[i]) || bytes[i] == 0x2F {
                selfClosing = bytes[i] == 0x2F
                i += 1
            }
            guard i < end else { position = end; return nil } // unfinished tag: dropped
            if bytes[i] == 0x3E { i += 1; break }
            selfClosing = false
            i = attribute(from: i)
        }
        position = i
        if tag.isRawText { rawText = (tag, key) }
        return .startTag(tag, key: key, selfClosing: selfClosing)
    }

    /// Reads one attribute starting at `i` (a non-space, non-'>' byte); returns the index after it.
    private mutating func attribute(from start: Int) -> Int {
        let end = bytes.count
        var i = start + 1 // the first byte may be '=' and still belong to the name
        while i < end, !isSpace(bytes[i]), bytes[i] != 0x2F, bytes[i] != 0x3E, bytes[i] != 0x3D { i += 1 }
        var span = HTMLAttributeSpan(nameStart: start, nameEnd: i, valueStart: i, valueEnd: i)
        var j = i
        while j < end, isSpace(bytes[j]) { j += 1 }
        if j < end, bytes[j] == 0x3D { // '='
            j += 1
            while j < end, isSpace(bytes[j]) { j += 1 }
            if j < end, bytes[j] == 0x22 || bytes[j] == 0x27 {
                let quote = bytes[j]
                span.valueStart = j + 1
                j += 1
                while j < end, bytes[j] != quote { j += 1 }
                span.valueEnd = j
                if j < end { j += 1 }
            } else {
                span.valueStart = j
                while j < end, !isSpace(bytes[j]), bytes[j] != 0x3E { j += 1 }
                span.valueEnd = j
            }
            i = j
        }
        attributes.append(span)
        return i
    }

    private mutating func endTag() -> HTMLToken? {
        let end = bytes.count
        var i = position + 2
        var key = HTMLTag.Key(low: 0, high: 0)
        let nameStart = i
        while i < end, !isSpace(bytes[i]), bytes[i] != 0x2F, bytes[i] != 0x3E {
            if i - nameStart < 16 { key.add(bytes[i], at: i - nameStart) }
            i += 1
        }
        let tag = i - nameStart <= 16 ? HTMLTag.byKey[key] ?? .other : .other
        // Attributes on end tags are parsed and ignored (quoted '>' must not end the tag).
        while true {
            while i < end, isSpace(bytes[i]) || bytes[i] == 0x2F { i += 1 }
            guard i < end else { position = end; return nil }
            if bytes[i] == 0x3E { i += 1; break }
            i = attribute(from: i)
        }
        attributes.removeAll(keepingCapacity: true)
        position = i
        return .endTag(tag, key: key)
    }

    /// `<!--…-->`, `<![CDATA[…]]>`, `<!DOCTYPE …>` or a bogus comment.
    private mutating func declaration() -> HTMLToken? {
        let end = bytes.count
        let start = position
        if start + 3 < end, bytes[start + 2] == 0x2D, bytes[start + 3] == 0x2D { // "<!--"
            var i = start + 4
            if i < end, bytes[i] == 0x3E { position = i + 1; return .comment(start: i, end: i) } // "<!-->"
            if i + 1 < end, bytes[i] == 0x2D, bytes[i + 1] == 0x3E { position = i + 2; return .comment(start: i, end: i) }
            while i + 2 < end, !(bytes[i] == 0x2D && bytes[i + 1] == 0x2D && bytes[i + 2] == 0x3E) { i += 1 }
            if i + 2 >= end { position = end; return .comment(start: start + 4, end: end) }
            position = i + 3
            return .comment(start: start + 4, end: i)
        }
        if matches(at: start + 2, "[CDATA[") {
            var i = start + 9
            while i + 2 < end, !(bytes[i] == 0x5D && bytes[i + 1] == 0x5D && bytes[i + 2] == 0x3E) { i += 1 }
            if i + 2 >= end { position = end; return .cdata(start: start + 9, end: end) }
            position = i + 3
            return .cdata(start: start + 9, end: i)
        }
        if matches(at: start + 2, "doctype") {
            guard case .comment(let s, let e)? = bogusComment(from: start + 9) else { return nil }
            return .doctype(start: s, end: e)
        }
        return bogusComment(from: start + 2)
    }

    /// Content from `from` to the next '>' (or the end), as a comment.
    private mutating func bogusComment(from: Int) -> HTMLToken? {
        let end = bytes.count
        var i = from
        while i < end, bytes[i] != 0x3E { i += 1 }
        position = i < end ? i + 1 : end
        return .comment(start: min(from, end), end: i)
    }

    /// The raw text of `tag` up to `</tag` followed by space, '/' or '>' (or the end of input);
    /// leaves `position` at that end tag so the next call returns it.
    private mutating func rawTextToken(_ tag: HTMLTag, _ key: HTMLTag.Key) -> HTMLToken? {
        let end = bytes.count
        let start = position
        let isRaw = tag != .title && tag != .textarea
        if tag == .plaintext { position = end; return start < end ? .text(start: start, end: end, raw: true) : nil }
        var i = start
        while i < end {
            if bytes[i] == 0x3C, i + 1 < end, bytes[i + 1] == 0x2F, closesRawText(at: i + 2, key) { break }
            i += 1
        }
        position = i
        return i > start ? .text(start: start, end: i, raw: isRaw) : next()
    }

    /// Whether the tag name at `i` equals the raw-text element's (case-insensitive) and ends there.
    private func closesRawText(at i: Int, _ key: HTMLTag.Key) -> Bool {
        var k = HTMLTag.Key(low: 0, high: 0)
        var j = i
        while j < bytes.count, j - i < 17, !isSpace(bytes[j]), bytes[j] != 0x2F, bytes[j] != 0x3E {
            if j - i < 16 { k.add(bytes[j], at: j - i) }
            j += 1
        }
        return j > i && j - i <= 16 && k == key && (j == bytes.count || isSpace(bytes[j]) || bytes[j] == 0x2F || bytes[j] == 0x3E)
    }

    /// Case-insensitive ASCII comparison of `bytes[at...]` with `word` (lower-case letters / symbols).
    private func matches(at: Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard at + n <= bytes.count else { return false }
        let w = word.utf8Start
        for k in 0..<n {
            let b = bytes[at + k]
            let lower = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            let expected = w[k]
            if lower != expected && b != expected { return false }
        }
        return true
    }
}

@inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D || b == 0x0C }
@inline(__always) func isLetter(_ b: UInt8) -> Bool { b | 0x20 >= 0x61 && b | 0x20 <= 0x7A }
