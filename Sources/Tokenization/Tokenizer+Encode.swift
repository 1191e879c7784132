extension Tokenizer {
    /// Token ids for `text`, exactly as `llama_tokenize(text, add_special, parse_special)`; for a
    /// `tokenizer.json` pipeline, as HF's `encode(text, add_special_tokens: addSpecial)` (with
    /// `encode_special_tokens` when `parseSpecial` is false).
    ///
    /// - Parameters:
    ///   - addSpecial: add BOS/EOS when the vocabulary asks for them (`addsBOS`, `addsEOS`).
    ///   - parseSpecial: recognise control-token text such as `<|im_start|>` as the token;
    ///     when false it is tokenized as plain text. User-defined tokens are always recognised.
    public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int] {
        var s = text
        return s.withUTF8 { encode(utf8: $0, addSpecial: addSpecial, parseSpecial: parseSpecial) }.map(Int.init)
    }

    /// `encode` over the bytes of a Swift string (valid UTF-8 by construction), as 32-bit ids.
    func encode(utf8 text: UnsafeBufferPointer<UInt8>, addSpecial: Bool, parseSpecial: Bool) -> [Int32] {
        if case .pipeline(let p) = engine { return p.encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial) }
        var out = [Int32]()
        out.reserveCapacity(text.count / 3 + 2)
        if addSpecial && addsBOS, let b = bos { out.append(Int32(b)) }
        let segments = matcher.partition(text, parseSpecial: parseSpecial)
        switch engine {
        case .bytePair(let bpe, let pattern):
            var session = BytePairSession(encoder: bpe, pattern: pattern)
            for segment in segments {
                switch segment {
                case .token(let id): out.append(id)
                case .text(let r): session.encode(UnsafeBufferPointer(rebasing: text[r]), into: &out)
                }
            }
        case .sentencePiece(let spm):
            var scratch = SentencePieceEncoder.Scratch()
            var cache = SentencePieceEncoder.WordCache()
            var escaped = [UInt8]()
            var previousWasSpecial = true  // a leading space goes before the first fragment too
            for segment in segments {
                switch segment {
                case .token(let id):
                    out.append(id)
                    previousWasSpecial = true
                case .text(let r):
                    // Spaces become "▁" (E2 96 81).
                    escaped.removeAll(keepingCapacity: true)
                    if addSpacePrefix && previousWasSpecial { escaped.append(0xE2); escaped.append(0x96); escaped.append(0x81) }
                    for b in text[r] {
                        if b == 0x20 { escaped.append(0xE2); escaped.append(0x96); escaped.append(0x81) } else { escaped.append(b) }
                    }
                    escaped.withUnsafeBufferPointer { spm.encode($0, into: &out, scratch: &scratch, cache: &cache) }
                    previousWasSpecial = false
                }
            }
        case .pipeline:
            break  // returned above
        }
        if addSpecial && addsEOS, let e = eos { out.append(Int32(e)) }
        return out
    }
}

/// One `encode` call's byte-level BPE state: pre-tokenizer buffers, merge scratch, and a cache
/// of the words already seen in this call (prose repeats words; long inputs gain most).
struct BytePairSession {
    let encoder: BytePairEncoder
    var scratch = BytePairEncoder.Scratch()
    var scanner: WordScanner
    /// Word bytes → range of its ids in `cachedIDs`. Words up to `cacheableLength` bytes.
    var cache = [[UInt8]: Range<Int>]()
    var cachedIDs = [Int32]()
    static let cacheableLength = 24
    /// Texts shorter than this (bytes) are encoded without the cache.
    static let cachedTextLength = 256

    init(encoder: BytePairEncoder, pattern: PreTokenizer, unicode: CodepointClass.Data = .llamaCpp) {
        self.encoder = encoder
        scanner = WordScanner(pattern: pattern, unicode: unicode)
    }

    /// Appends the tokens of one raw-text fragment (valid UTF-8).
    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        // Taken out of self (leaving an empty one) so its buffers stay uniquely owned while the
        // word closure mutates the rest of self.
        var scanner = self.scanner
        self.scanner = WordScanner(pattern: scanner.pattern, unicode: scanner.unicode)
        // A short text repeats few words: the cache's allocations would cost more than they save.
        let cacheable = text.count >= Self.cachedTextLength
        scanner.forEachWord(in: text) { word in
            if !cacheable || word.count > Self.cacheableLength || word.count == 1 {
                encoder.encode(word, into: &out, scratch: &scratch)
                return
            }
            let key = Array(word)
            if let r = cache[key] { out.append(contentsOf: cachedIDs[r]); return }
            let before = out.count
            encoder.encode(word, into: &out, scratch: &scratch)
            let from = cachedIDs.count
            cachedIDs.append(contentsOf: out[before...])
            cache[key] = from..<cachedIDs.count
        }
        self.scanner = scanner
    }
}
