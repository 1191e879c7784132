import Foundation

/// A piece of a document indexed on its own, with a stable identity: `documentID#ordinal` plus
/// a hash of its text, so that re-indexing a changed document can keep the chunks whose text is
/// unchanged and replace only the others.
public struct Chunk: Sendable, Equatable {
    public var documentID: String
    /// Position among the document's chunks (0-based).
    public var ordinal: Int
    public var text: String
    /// The headings above the chunk, outermost first (`["Install", "On Linux"]`).
    public var headings: [String]
    /// FNV-1a 64 of the text (change detection, not security).
    public var contentHash: UInt64

    public var id: String { "\(documentID)#\(ordinal)" }

    public init(documentID: String, ordinal: Int, text: String, headings: [String] = []) {
        self.documentID = documentID
        self.ordinal = ordinal
        self.text = text
        self.headings = headings
        contentHash = Self.fnv1a(text)
    }

    /// 64-bit FNV-1a of `text`'s UTF-8 bytes: the chunk and document change detector.
    public static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}

/// Splits documents into chunks by structure: a Markdown heading (`#`…`######`) starts a new
/// chunk and becomes part of the heading path; paragraphs (blank-line separated) are packed
/// together up to `maxCharacters`; a paragraph longer than that is cut at sentence ends, else at
/// spaces, else hard.
public struct StructureChunker: Codable, Sendable, Equatable {
    /// Largest chunk, in characters (default 1,200 ≈ 256 MiniLM tokens of English).
    public var maxCharacters = 1200
    public init(maxCharacters: Int = 1200) { self.maxCharacters = max(16, maxCharacters) }

    public func chunks(of text: String, documentID: String) -> [Chunk] {
        var out = [Chunk]()
        var headings = [(level: Int, title: String)]()
        var current = ""
        func emit() {
            let t = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !t.isEmpty { out.append(Chunk(documentID: documentID, ordinal: out.count, text: t, headings: headings.map(\.title))) }
            current = ""
        }
        for block in Self.blocks(text) {
            if let (level, title) = Self.heading(block) {
                emit()
                headings.removeAll { $0.level >= level }
                headings.append((level, title))
                continue
            }
            for piece in split(block) {
                if !current.isEmpty, current.count + 2 + piece.count > maxCharacters { emit() }
                current += (current.isEmpty ? "" : "\n\n") + piece
            }
        }
        emit()
        return out
    }

    /// Blank-line separated blocks; a heading line is a block of its own.
    static func blocks(_ text: String) -> [String] {
        var out = [String](), lines = [Substring]()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let isHeading = heading(String(line)) != nil
            if line.trimmingCharacters(in: .whitespaces).isEmpty || isHeading {
                if !lines.isEmpty { out.append(lines.joined(separator: "\n")); lines.removeAll() }
                if isHeading { out.append(String(line)) }
            } else {
                lines.append(line)
            }
        }
        if !lines.isEmpty { out.append(lines.joined(separator: "\n")) }
        return out
    }

    static func heading(_ block: String) -> (Int, String)? {
        guard !block.contains("\n") else { return nil }
        let level = block.prefix { $0 == "#" }.count
        guard (1...6).contains(level), block.dropFirst(level).first == " " else { return nil }
        return (level, block.dropFirst(level).trimmingCharacters(in: .whitespaces))
    }

    /// A block cut into pieces of at most `maxCharacters` (sentence ends, then spaces, then hard).
    /// Linear in the block's length: each window is found by offsetting an index, never by
    /// counting what is left (a one-paragraph 30 MB file must not take quadratic time).
    func split(_ block: String) -> [String] {
        var pieces = [String](), rest = Substring(block)
        while let limit = rest.index(rest.startIndex, offsetBy: maxCharacters, limitedBy: rest.endIndex), limit < rest.endIndex {
            let window = rest[..<limit]
            let cut = window.lastIndex { ".!?。！？".contains($0) }.map { window.index(after: $0) }
                ?? window.lastIndex(of: " ") ?? window.endIndex
            let piece = rest[..<cut].trimmingCharacters(in: .whitespaces)
            if !piece.isEmpty { pieces.append(piece) }
            rest = rest[(cut == rest.startIndex ? window.endIndex : cut)...].drop { $0 == " " }
        }
        if !rest.isEmpty { pieces.append(String(rest)) }
        return pieces
    }
}

/// Splits a document into windows of `size` tokens that overlap by `overlap` tokens. Units come
/// from `tokenize` as ranges of the text (whitespace-separated words by default), so each chunk
/// is an exact slice of the original text. With `weigh`, a unit counts as that many tokens (a
/// word's WordPiece tokens, say): windows are then whole words of at most `size` model tokens
/// (a longer word stands alone) and the next window starts with the last words of this one
/// that fit in `overlap` tokens.
public struct TokenWindowChunker: Sendable {
    public let size: Int
    public let overlap: Int
    public let tokenize: @Sendable (String) -> [Range<String.Index>]
    public let weigh: (@Sendable (Substring) -> Int)?

    public init(size: Int = 256, overlap: Int = 32,
                tokenize: @escaping @Sendable (String) -> [Range<String.Index>] = TokenWindowChunker.words,
                weigh: (@Sendable (Substring) -> Int)? = nil) {
        precondition(size > 0 && overlap >= 0 && overlap < size, "need 0 ≤ overlap < size")
        self.size = size
        self.overlap = overlap
        self.tokenize = tokenize
        self.weigh = weigh
    }

    public func chunks(of text: String, documentID: String) -> [Chunk] {
        let units = tokenize(text)
        guard !units.isEmpty else { return [] }
        let weights = weigh.map { w in units.map { max(1, w(text[$0])) } } ?? Array(repeating: 1, count: units.count)
        var out = [Chunk](), start = 0
        while true {
            var end = start, total = 0
            while end < units.count && (end == start || total + weights[end] <= size) { total += weights[end]; end += 1 }
            out.append(Chunk(documentID: documentID, ordinal: out.count, text: String(text[units[start].lowerBound..<units[end - 1].upperBound])))
            if end == units.count { break }
            var next = end, tail = 0
            while next - 1 > start && tail + weights[next - 1] <= overlap { tail += weights[next - 1]; next -= 1 }
            // The overlap must leave room for a new unit, else the window would repeat this one's tail.
            start = tail + weights[end] <= size ? next : end
        }
        return out
    }

    /// Whitespace-separated words as ranges.
    public static func words(_ text: String) -> [Range<String.Index>] {
        var out = [Range<String.Index>](), start: String.Index?
        var i = text.startIndex
        while i < text.endIndex {
            if text[i].isWhitespace {
                if let s = start { out.append(s..<i); start = nil }
            } else if start == nil { start = i }
            i = text.index(after: i)
        }
        if let s = start { out.append(s..<text.endIndex) }
        return out
    }
}
