import Foundation

/// BERT's tokenizer: HF's `BertNormalizer` (clean text, isolate CJK ideographs, strip accents,
/// lowercase), `BertPreTokenizer` (split on whitespace, each punctuation character alone), then
/// greedy longest-match-first WordPiece with a continuation prefix (`##`), and the
/// `[CLS] … [SEP]` template, truncated to `config.maxSequenceLength` tokens in all.
///
/// Works on Unicode scalars and UTF-8 bytes: the only allocations per text are the output, one
/// NFD copy of texts that are not pure ASCII (when accents are stripped) and one word buffer.
/// Special-token texts in the input (e.g. "[MASK]") are matched first, in the raw text, as
/// HF's added tokens are.
public struct WordPieceTokenizer: Sendable {
    /// The settings this tokenizer was built with.
    public let config: WordPieceConfig
    /// Token text by id.
    public let tokens: [String]
    /// Whole vocabulary: id of each entry, for the first piece of a word.
    let wordStarts: ByteStringTable
    /// Entries that begin with the continuation prefix, keyed without it.
    let continuations: ByteStringTable
    /// `config.specialTokens` as UTF-8 with their ids, longest first.
    let specials: [(bytes: [UInt8], id: Int)]
    /// Whether a special token starts with this byte (256 entries).
    let startsSpecial: [Bool]
    /// Ids of `[UNK]`, `[CLS]`, `[SEP]`.
    public let unknownID: Int, classID: Int, separatorID: Int

    /// A tokenizer over `tokens` (token text by id). Throws `.missingField` when the vocabulary
    /// lacks the unknown, class or separator token, `.duplicateToken` on a repeated entry.
    public init(tokens: [String], config: WordPieceConfig = WordPieceConfig()) throws(TokenizerError) {
        guard config.maxSequenceLength >= 2 else {
            throw .invalidField("maxSequenceLength", reason: "\(config.maxSequenceLength) leaves no room for [CLS] and [SEP]")
        }
        var starts = ByteStringTable(capacity: tokens.count)
        var rest = ByteStringTable(capacity: tokens.count)
        let prefix = Array(config.continuationPrefix.utf8)
        for (id, token) in tokens.enumerated() {
            let bytes = Array(token.utf8)
            if let first = starts.insert(bytes, value: Int32(id)) {
                throw .duplicateToken(text: token, firstID: Int(first), secondID: id)
            }
            if !prefix.isEmpty, bytes.count > prefix.count, bytes.starts(with: prefix) {
                rest.insert(Array(bytes[prefix.count...]), value: Int32(id))
            }
        }
        func id(_ name: String, _ field: String) throws(TokenizerError) -> Int {
            guard let v = starts.value(for: name) else { throw .missingField("\(field) '\(name)' in the vocabulary") }
            return Int(v)
        }
        unknownID = try id(config.unknownToken, "unknownToken")
        classID = try id(config.classToken, "classToken")
        separatorID = try id(config.separatorToken, "separatorToken")
        var specials = [(bytes: [UInt8], id: Int)]()
        for text in config.specialTokens where !text.isEmpty {
            specials.append((Array(text.utf8), try id(text, "specialTokens")))
        }
        self.specials = specials.sorted { $0.bytes.count > $1.bytes.count }
        var starts256 = [Bool](repeating: false, count: 256)
        for s in specials { starts256[Int(s.bytes[0])] = true }
        startsSpecial = starts256
        self.tokens = tokens
        self.config = config
        wordStarts = starts
        continuations = rest
    }

    /// Number of entries in the vocabulary.
    public var vocabularySize: Int { tokens.count }

    /// Token ids of `text`: `[CLS]`, the WordPiece ids of its words, `[SEP]`; at most
    /// `config.maxSequenceLength` ids (the text's tail is dropped, `[SEP]` kept).
    public func encode(_ text: String) -> [Int] {
        var ids = [classID]
        appendWordPieces(of: text, to: &ids, limit: config.maxSequenceLength - 1)
        ids.append(separatorID)
        return ids
    }

    /// The WordPiece ids of `text` without `[CLS]`/`[SEP]` and without truncation.
    public func encodeWithoutSpecialTokens(_ text: String) -> [Int] {
        var ids = [Int]()
        appendWordPieces(of: text, to: &ids, limit: Int.max)
        return ids
    }

    /// Appends the pieces of `text` to `ids` until `ids.count` reaches `limit`: special-token
    /// texts as their ids, the text between them normalized and split into words.
    func appendWordPieces(of text: String, to ids: inout [Int], limit: Int) {
        var word = WordBuffer()
        let utf8 = text.utf8
        var segmentStart = utf8.startIndex, i = utf8.startIndex
        while i != utf8.endIndex && ids.count < limit {
            if let special = specialMatch(in: utf8, at: i) {
                appendWords(of: text[segmentStart..<i], to: &ids, limit: limit, word: &word)
                if ids.count < limit { ids.append(special.id) }
                i = utf8.index(i, offsetBy: special.length)
                segmentStart = i
            } else {
                i = utf8.index(after: i)
            }
        }
        appendWords(of: text[segmentStart...], to: &ids, limit: limit, word: &word)
    }

    /// The longest special token whose text starts at byte `i`, if any.
    @inline(__always)
    private func specialMatch(in utf8: String.UTF8View, at i: String.UTF8View.Index) -> (id: Int, length: Int)? {
        let first = utf8[i]
        if !startsSpecial[Int(first)] { return nil }
        for s in specials where s.bytes[0] == first {
            var j = i, k = 0
            while k < s.bytes.count, j != utf8.endIndex, utf8[j] == s.bytes[k] { j = utf8.index(after: j); k += 1 }
            if k == s.bytes.count { return (s.id, k) }
        }
        return nil
    }

    /// Normalizes, splits and WordPiece-encodes text that holds no special token, in chunks of
    /// about `chunkBytes` cut where NFD cannot reorder across the cut, so
    /// that a huge text stops being read once the output is full.
    private func appendWords(of text: Substring, to ids: inout [Int], limit: Int, word: inout WordBuffer) {
        let utf8 = text.utf8
        var start = utf8.startIndex
        while start != utf8.endIndex && ids.count < limit {
            var end = utf8.index(start, offsetBy: Self.chunkBytes, limitedBy: utf8.endIndex) ?? utf8.endIndex
            while end != utf8.endIndex && !Self.isSafeCut(text, end) { end = utf8.index(after: end) }
            appendScalars(of: text[start..<end], to: &ids, limit: limit, word: &word)
            start = end
        }
        flush(&word, into: &ids, limit: limit)
    }

    /// Whether NFD of the text before and after byte `i` equals NFD of the whole: `i` starts a
    /// scalar of canonical combining class 0 (nothing reorders across it).
    @inline(__always)
    static func isSafeCut(_ text: Substring, _ i: String.Index) -> Bool {
        let b = text.utf8[i]
        if b < 0x80 { return true }
        if b & 0xC0 == 0x80 { return false }
        return text.unicodeScalars[i].properties.canonicalCombiningClass == .notReordered
    }

    /// Bytes of text normalized at a time.
    static let chunkBytes = 1 << 16

    /// The scalar loop of `appendWords`; the last word may stay in `word`.
    private func appendScalars(of text: Substring, to ids: inout [Int], limit: Int, word: inout WordBuffer) {
        var source = text
        if config.stripsAccents && !text.utf8.allSatisfy({ $0 < 0x80 }) {
            source = Substring(String(text).decomposedStringWithCanonicalMapping)
        }
        for s in source.unicodeScalars {
            if ids.count >= limit { word.removeAll(); return }
            if config.cleanText && WordPieceCharacters.isRemoved(s) { continue }
            if WordPieceCharacters.isWhitespace(s) { flush(&word, into: &ids, limit: limit); continue }
            if config.handleChineseCharacters && WordPieceCharacters.isChineseCharacter(s.value) {
                flush(&word, into: &ids, limit: limit)
                word.append(s)
                flush(&word, into: &ids, limit: limit)
                continue
            }
            if config.stripsAccents && WordPieceCharacters.isNonspacingMark(s) { continue }
            if config.lowercase && !s.isASCII {
                for l in s.properties.lowercaseMapping.unicodeScalars { add(l, &word, &ids, limit) }
            } else {
                let v = s.value
                add(config.lowercase && v >= 0x41 && v <= 0x5A ? Unicode.Scalar(UInt8(v | 0x20)) : s, &word, &ids, limit)
            }
        }
    }

    /// One normalized scalar: punctuation is a word of its own, anything else extends the word.
    @inline(__always)
    private func add(_ s: Unicode.Scalar, _ word: inout WordBuffer, _ ids: inout [Int], _ limit: Int) {
        if WordPieceCharacters.isPunctuation(s) {
            flush(&word, into: &ids, limit: limit)
            word.append(s)
            flush(&word, into: &ids, limit: limit)
        } else if word.scalarCount > config.maxInputCharsPerWord {
            word.overflowed = true  // already [UNK]; do not buffer the rest of a huge word
        } else {
            word.append(s)
        }
    }

    /// Tokenizes the buffered word (if any) into `ids`, then empties the buffer.
    private func flush(_ word: inout WordBuffer, into ids: inout [Int], limit: Int) {
        if word.isEmpty { return }
        defer { word.removeAll() }
        if word.overflowed || word.scalarCount > config.maxInputCharsPerWord { append(unknownID, to: &ids, limit: limit); return }
        let mark = ids.count
        var start = 0
        word.bytes.withUnsafeBytes { raw in
            while start < word.scalarCount {
                var end = word.scalarCount
                var found: Int32? = nil
                while end > start {
                    let from = word.offsets[start], to = word.offsets[end]
                    let key = UnsafeRawBufferPointer(rebasing: raw[from..<to])
                    found = start == 0 ? wordStarts.value(for: key) : continuations.value(for: key)
                    if found != nil { break }
                    end -= 1
                }
                guard let id = found else { ids.removeSubrange(mark...); ids.append(unknownID); return }
                ids.append(Int(id))
                start = end
            }
        }
        if ids.count > limit { ids.removeSubrange(limit...) }
    }

    @inline(__always)
    private func append(_ id: Int, to ids: inout [Int], limit: Int) { if ids.count < limit { ids.append(id) } }
}

/// The UTF-8 bytes of one word and the byte offset of each of its scalars (plus the end).
struct WordBuffer {
    var bytes: [UInt8] = []
    var offsets: [Int] = [0]
    /// Set when the word grew past the longest spellable length and stopped being buffered.
    var overflowed = false

    init() {
        bytes.reserveCapacity(64)
        offsets.reserveCapacity(65)
    }

    var isEmpty: Bool { bytes.isEmpty && !overflowed }
    var scalarCount: Int { offsets.count - 1 }

    @inline(__always)
    mutating func append(_ s: Unicode.Scalar) {
        let v = s.value
        if v < 0x80 {
            bytes.append(UInt8(v))
        } else if v < 0x800 {
            bytes.append(UInt8(0xC0 | (v >> 6))); bytes.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            bytes.append(UInt8(0xE0 | (v >> 12))); bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            bytes.append(UInt8(0xF0 | (v >> 18))); bytes.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F))); bytes.append(UInt8(0x80 | (v & 0x3F)))
        }
        offsets.append(bytes.count)
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
        overflowed = false
    }
}
