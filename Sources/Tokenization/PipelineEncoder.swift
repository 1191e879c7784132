/// The runtime of a `TokenizerPipeline`: HF's `encode` and `decode`, stage by stage.
///
/// Byte-level vocabularies whose pre-tokenizer is one of Tern's hand-scanned splits (`gpt2`,
/// `llama3`, `qwen2`, `smollm`) run each piece through `BytePairSession`, the same code as GGUF
/// tokenizers; everything else runs the pre-tokenizer steps, then the BPE model word by word.
struct PipelineEncoder: Sendable {
    enum Model: Sendable {
        /// Byte-level words merged over their raw bytes; `split` set when the whole pre-tokenizer
        /// is that hand-scanned split (no pieces are built then).
        case bytes(BytePairEncoder, split: PreTokenizer?)
        /// Words merged over their characters (byte-level ones first mapped to the alphabet).
        case characters(CharacterPairEncoder)
    }

    /// Added tokens matched in the input as written (`normalized: false`).
    let rawTokens: AddedTokenMatcher
    /// Added tokens matched in normalized pieces, by their normalized text (`normalized: true`).
    let normalizedTokens: AddedTokenMatcher
    let normalizers: [TextNormalizer]
    let preTokenization: PreTokenization
    let model: Model
    let prefix: [Int32]
    let suffix: [Int32]
    let decoders: [DecoderStep]
    /// The text the decoder gets for each id (an added token's content, normalized when it is).
    let decodeTexts: [String]
    /// Whether `decode` skips an id when skipping special tokens (its text is a special token's).
    let special: [Bool]

    /// Number of distinct merges in use.
    var mergeCount: Int {
        switch model {
        case .bytes(let bpe, _): return bpe.mergeCount
        case .characters(let cpe): return cpe.mergeCount
        }
    }

    /// Scratch buffers of the word-by-word path, for one encode call.
    struct Scratch {
        var bytes = BytePairEncoder.Scratch()
        var characters = CharacterPairEncoder.Scratch()
        var wordBytes = [UInt8]()
        var wordScalars = [UInt32]()
    }

    /// Token ids of UTF-8 text, as HF's `encode(text, add_special_tokens: addSpecial)`; with
    /// `parseSpecial` false, special added tokens are not matched (HF's `encode_special_tokens`).
    func encode(_ text: UnsafeBufferPointer<UInt8>, addSpecial: Bool, parseSpecial: Bool) -> [Int32] {
        var out = [Int32]()
        out.reserveCapacity(text.count / 3 + prefix.count + suffix.count)
        if addSpecial { out += prefix }
        if case .bytes(let bpe, let split?) = model {
            // The hand-scanned split: each piece straight through the GGUF tokenizers' session.
            var session = BytePairSession(encoder: bpe, pattern: split, unicode: .current)
            forEachPiece(text, parseSpecial: parseSpecial, into: &out) { piece, _, out in session.encode(piece, into: &out) }
        } else {
            var scratch = Scratch()
            forEachPiece(text, parseSpecial: parseSpecial, into: &out) { piece, atOrigin, out in
                encodeWords(piece, atOrigin: atOrigin, &scratch, into: &out)
            }
        }
        if addSpecial { out += suffix }
        return out
    }

    /// Calls `body` with each normalized piece of `text` between added tokens (and whether it
    /// starts at the input's start), appending the added tokens' ids to `out` in between.
    private func forEachPiece(_ text: UnsafeBufferPointer<UInt8>, parseSpecial: Bool, into out: inout [Int32],
                              _ body: (UnsafeBufferPointer<UInt8>, Bool, inout [Int32]) -> Void) {
        if rawTokens.isEmpty {
            betweenTokens(text, 0..<text.count, parseSpecial: parseSpecial, into: &out, body)
            return
        }
        var segments = [TextSegment]()
        rawTokens.split(text, 0..<text.count, parseSpecial: parseSpecial, into: &segments)
        for segment in segments {
            switch segment {
            case .token(let id): out.append(id)
            case .text(let r): betweenTokens(text, r, parseSpecial: parseSpecial, into: &out, body)
            }
        }
    }

    /// A piece between raw-matched tokens: normalized, then cut at normalized added tokens.
    private func betweenTokens(_ text: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, parseSpecial: Bool, into out: inout [Int32],
                               _ body: (UnsafeBufferPointer<UInt8>, Bool, inout [Int32]) -> Void) {
        guard !r.isEmpty else { return }
        if normalizers.isEmpty {
            cutAtNormalizedTokens(text, r, atOrigin: r.lowerBound == 0, parseSpecial: parseSpecial, into: &out, body)
            return
        }
        var atOrigin = r.lowerBound == 0
        var s = String(decoding: UnsafeBufferPointer(rebasing: text[r]), as: UTF8.self)
        for n in normalizers { s = n.apply(s, atOrigin: &atOrigin) }
        let origin = atOrigin
        s.withUTF8 { cutAtNormalizedTokens($0, 0..<$0.count, atOrigin: origin, parseSpecial: parseSpecial, into: &out, body) }
    }

    private func cutAtNormalizedTokens(_ text: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, atOrigin: Bool, parseSpecial: Bool,
                                       into out: inout [Int32], _ body: (UnsafeBufferPointer<UInt8>, Bool, inout [Int32]) -> Void) {
        if normalizedTokens.isEmpty {
            if !r.isEmpty { body(UnsafeBufferPointer(rebasing: text[r]), atOrigin, &out) }
            return
        }
        var segments = [TextSegment]()
        normalizedTokens.split(text, r, parseSpecial: parseSpecial, into: &segments)
        for segment in segments {
            switch segment {
            case .token(let id): out.append(id)
            case .text(let sub): body(UnsafeBufferPointer(rebasing: text[sub]), atOrigin && sub.lowerBound == r.lowerBound, &out)
            }
        }
    }

    /// One normalized piece, word by word: the pre-tokenizer steps, then the model on each word.
    private func encodeWords(_ text: UnsafeBufferPointer<UInt8>, atOrigin: Bool, _ s: inout Scratch, into out: inout [Int32]) {
        let piece = TextPiece(scalars: Self.scalars(text), atOrigin: atOrigin)
        let byteLevel = preTokenization.byteLevel
        for word in preTokenization.words(piece) {
            switch model {
            case .bytes(let bpe, _):
                s.wordBytes.removeAll(keepingCapacity: true)
                for v in word.scalars { appendUTF8(v, to: &s.wordBytes) }
                s.wordBytes.withUnsafeBufferPointer { bpe.encode($0, into: &out, scratch: &s.bytes) }
            case .characters(let cpe):
                if byteLevel {
                    s.wordBytes.removeAll(keepingCapacity: true)
                    for v in word.scalars { appendUTF8(v, to: &s.wordBytes) }
                    s.wordScalars = s.wordBytes.map { ByteLevelAlphabet.scalarOfByte[Int($0)] }
                    cpe.encode(s.wordScalars, into: &out, scratch: &s.characters)
                } else {
                    cpe.encode(word.scalars, into: &out, scratch: &s.characters)
                }
            }
        }
    }

    /// The code points of valid UTF-8.
    static func scalars(_ text: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        var out = [UInt32]()
        out.reserveCapacity(text.count)
        for s in String(decoding: text, as: UTF8.self).unicodeScalars { out.append(s.value) }
        return out
    }

    /// HF's `decode(ids, skip_special_tokens: skipSpecial)`: ids out of range are dropped.
    func decode(_ ids: [Int], skipSpecial: Bool) -> String {
        var tokens = [String]()
        tokens.reserveCapacity(ids.count)
        for id in ids where id >= 0 && id < decodeTexts.count && !(skipSpecial && special[id]) {
            tokens.append(decodeTexts[id])
        }
        return DecoderStep.decode(tokens, decoders)
    }
}
