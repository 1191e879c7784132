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

    /// One encode call's scratch buffers.
    struct Session {
        var bytePair: BytePairSession?
        var byteScratch = BytePairEncoder.Scratch()
        var characterScratch = CharacterPairEncoder.Scratch()
        var wordBytes = [UInt8]()
        var wordScalars = [UInt32]()
    }

    /// Token ids of UTF-8 text, as HF's `encode(text, add_special_tokens: addSpecial)`; with
    /// `parseSpecial` false, special added tokens are not matched (HF's `encode_special_tokens`).
    func encode(_ text: UnsafeBufferPointer<UInt8>, addSpecial: Bool, parseSpecial: Bool) -> [Int32] {
        var out = [Int32]()
        out.reserveCapacity(text.count / 3 + prefix.count + suffix.count)
        if addSpecial { out += prefix }
        var session = Session()
        if case .bytes(let bpe, let split?) = model { session.bytePair = BytePairSession(encoder: bpe, pattern: split, unicode: .current) }
        if rawTokens.isEmpty {
            encodeBetweenTokens(text, 0..<text.count, parseSpecial: parseSpecial, &session, into: &out)
        } else {
            var segments = [TextSegment]()
            rawTokens.split(text, 0..<text.count, parseSpecial: parseSpecial, into: &segments)
            for segment in segments {
                switch segment {
                case .token(let id): out.append(id)
                case .text(let r): encodeBetweenTokens(text, r, parseSpecial: parseSpecial, &session, into: &out)
                }
            }
        }
        if addSpecial { out += suffix }
        return out
    }

    /// A piece between raw-matched tokens: normalized, then cut at normalized added tokens.
    private func encodeBetweenTokens(_ text: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, parseSpecial: Bool,
                                     _ session: inout Session, into out: inout [Int32]) {
        guard !r.isEmpty else { return }
        if normalizers.isEmpty {
            split(text, r, atOrigin: r.lowerBound == 0, parseSpecial: parseSpecial, &session, into: &out)
            return
        }
        var atOrigin = r.lowerBound == 0
        var s = String(decoding: UnsafeBufferPointer(rebasing: text[r]), as: UTF8.self)
        for n in normalizers { s = n.apply(s, atOrigin: &atOrigin) }
        let origin = atOrigin
        s.withUTF8 { split($0, 0..<$0.count, atOrigin: origin, parseSpecial: parseSpecial, &session, into: &out) }
    }

    private func split(_ text: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, atOrigin: Bool, parseSpecial: Bool,
                       _ session: inout Session, into out: inout [Int32]) {
        if normalizedTokens.isEmpty {
            encodePiece(text, r, atOrigin: atOrigin, &session, into: &out)
            return
        }
        var segments = [TextSegment]()
        normalizedTokens.split(text, r, parseSpecial: parseSpecial, into: &segments)
        for segment in segments {
            switch segment {
            case .token(let id): out.append(id)
            case .text(let sub): encodePiece(text, sub, atOrigin: atOrigin && sub.lowerBound == r.lowerBound, &session, into: &out)
            }
        }
    }

    /// One normalized piece: pre-tokenized, then each word through the model.
    private func encodePiece(_ text: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, atOrigin: Bool,
                             _ session: inout Session, into out: inout [Int32]) {
        if session.bytePair != nil {
            session.bytePair!.encode(UnsafeBufferPointer(rebasing: text[r]), into: &out)
            return
        }
        let piece = TextPiece(scalars: Self.scalars(UnsafeBufferPointer(rebasing: text[r])), atOrigin: atOrigin)
        let byteLevel = preTokenization.byteLevel
        for word in preTokenization.words(piece) {
            switch model {
            case .bytes(let bpe, _):
                session.wordBytes.removeAll(keepingCapacity: true)
                for v in word.scalars { appendUTF8(v, to: &session.wordBytes) }
                session.wordBytes.withUnsafeBufferPointer { bpe.encode($0, into: &out, scratch: &session.byteScratch) }
            case .characters(let cpe):
                if byteLevel {
                    session.wordBytes.removeAll(keepingCapacity: true)
                    for v in word.scalars { appendUTF8(v, to: &session.wordBytes) }
                    session.wordScalars = session.wordBytes.map { ByteLevelAlphabet.scalarOfByte[Int($0)] }
                    cpe.encode(session.wordScalars, into: &out, scratch: &session.characterScratch)
                } else {
                    cpe.encode(word.scalars, into: &out, scratch: &session.characterScratch)
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
