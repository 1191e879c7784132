/// Cuts added tokens out of text as HF `tokenizers` does (`AddedVocabulary::find_matches`):
/// leftmost-longest non-overlapping matches of all token texts, scanned left to right; a match
/// is then dropped when its token is special and specials are not parsed, or when it must be a
/// single word and a word character touches it (the scan still resumes after it); `lstrip` /
/// `rstrip` widen a kept match over the White_Space before / after it.
///
/// (`SpecialTokenMatcher` is llama.cpp's rule instead: longest tokens first, everywhere.)
struct AddedTokenMatcher: Sendable {
    struct Entry: Sendable {
        var id: Int32
        var special: Bool
        var leftStrip: Bool
        var rightStrip: Bool
        var singleWord: Bool
    }

    private let entries: [Entry]
    /// Trie over the token texts (UTF-8); node 0 is the root. Root children by byte, −1: none.
    private let rootChild: [Int32]
    /// Other edges: node << 8 | byte → child.
    private let edges: [Int: Int32]
    /// Per node: index into `entries` of the text ending there, −1 if none.
    private let terminal: [Int32]

    /// Whether no token can match.
    var isEmpty: Bool { entries.isEmpty }

    /// - Parameter tokens: (text, entry); empty texts are ignored, a repeated text keeps its last entry.
    init(_ tokens: [(text: [UInt8], entry: Entry)]) {
        var entries = [Entry]()
        var edges = [Int: Int32]()
        var terminal: [Int32] = [-1]
        for (text, entry) in tokens where !text.isEmpty {
            var node = 0
            for b in text {
                let key = node << 8 | Int(b)
                if let c = edges[key] { node = Int(c); continue }
                terminal.append(-1)
                node = terminal.count - 1
                edges[key] = Int32(node)
            }
            if terminal[node] >= 0 { entries[Int(terminal[node])] = entry; continue }
            terminal[node] = Int32(entries.count)
            entries.append(entry)
        }
        rootChild = (0..<256).map { edges[$0] ?? -1 }
        self.edges = edges
        self.terminal = terminal
        self.entries = entries
    }

    /// Appends the segments of `text[range]` (offsets into `text`): text between tokens and the
    /// tokens, in order. With `parseSpecial` false, special tokens are not matched.
    func split(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, parseSpecial: Bool, into out: inout [TextSegment]) {
        if entries.isEmpty {
            if !range.isEmpty { out.append(.text(range)) }
            return
        }
        let n = range.upperBound
        var startOffset = range.lowerBound
        var i = range.lowerBound
        while i < n {
            guard let (k, end) = longestMatch(text, at: i, end: n) else { i += 1; continue }
            var start = i, stop = end
            i = end  // the scan resumes after the match, whatever happens to it
            let e = entries[k]
            if e.special && !parseSpecial { continue }
            if e.singleWord {
                let wordBefore = start > range.lowerBound && isWordCharacter(scalar(before: start, in: text, from: range.lowerBound))
                let wordAfter = stop < n && isWordCharacter(scalar(at: stop, in: text))
                if wordBefore || wordAfter { continue }
            }
            if e.leftStrip {
                var s = start
                while s > range.lowerBound {
                    let v = scalar(before: s, in: text, from: range.lowerBound)
                    guard isWhitespace(v) else { break }
                    s -= utf8Length(v)
                }
                start = max(s, startOffset)
            }
            if e.rightStrip {
                while stop < n {
                    let v = scalar(at: stop, in: text)
                    guard isWhitespace(v) else { break }
                    stop += utf8Length(v)
                }
            }
            if startOffset < start { out.append(.text(startOffset..<start)) }
            out.append(.token(e.id))
            startOffset = stop
        }
        if startOffset < n { out.append(.text(startOffset..<n)) }
    }

    /// The longest token text starting at `i` (entry index, end offset).
    @inline(__always)
    private func longestMatch(_ text: UnsafeBufferPointer<UInt8>, at i: Int, end n: Int) -> (Int, Int)? {
        var node = Int(rootChild[Int(text[i])])
        var j = i + 1
        var best: (Int, Int)?
        while node >= 0 {
            let k = Int(terminal[node])
            if k >= 0 { best = (k, j) }
            guard j < n else { break }
            node = Int(edges[node << 8 | Int(text[j])] ?? -1)
            j += 1
        }
        return best
    }

    /// The code point that starts at byte `i` (valid UTF-8).
    private func scalar(at i: Int, in t: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let b0 = UInt32(t[i])
        if b0 < 0x80 { return b0 }
        if b0 < 0xE0 { return (b0 & 0x1F) << 6 | UInt32(t[i + 1] & 0x3F) }
        if b0 < 0xF0 { return (b0 & 0x0F) << 12 | UInt32(t[i + 1] & 0x3F) << 6 | UInt32(t[i + 2] & 0x3F) }
        return (b0 & 0x07) << 18 | UInt32(t[i + 1] & 0x3F) << 12 | UInt32(t[i + 2] & 0x3F) << 6 | UInt32(t[i + 3] & 0x3F)
    }

    /// The code point that ends just before byte `i` (valid UTF-8, `i` > `from`).
    private func scalar(before i: Int, in t: UnsafeBufferPointer<UInt8>, from: Int) -> UInt32 {
        var s = i - 1
        while s > from && t[s] & 0xC0 == 0x80 { s -= 1 }
        return scalar(at: s, in: t)
    }

    private func utf8Length(_ v: UInt32) -> Int { v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4 }
}
