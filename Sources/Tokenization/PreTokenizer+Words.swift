/// Cuts raw UTF-8 text into pre-tokenizer words, reusing its buffers across calls. Shared by the
/// encoder (`BytePairSession`) and the trainer (`BPETrainer`), so both see the same words.
struct WordScanner {
    let pattern: PreTokenizer
    /// Whose Unicode data classifies code points (llama.cpp's for GGUF, HF's for tokenizer.json).
    let unicode: CodepointClass.Data
    private var scalars = [UInt32]()
    private var flags = [UInt8]()
    /// Byte offset of each code point, then the text's length (n + 1 entries).
    private var byteOffsets = [Int]()

    init(pattern: PreTokenizer, unicode: CodepointClass.Data = .llamaCpp) {
        self.pattern = pattern
        self.unicode = unicode
    }

    /// Calls `body` with the bytes of each word of `text` (valid UTF-8), in order.
    mutating func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        decodeScalars(text)
        let ends = scalars.withUnsafeBufferPointer { cps in
            flags.withUnsafeBufferPointer { fl in WordSplitter(cps: cps, flags: fl).split(pattern) }
        }
        var start = 0
        for end in ends {
            body(UnsafeBufferPointer(rebasing: text[byteOffsets[start]..<byteOffsets[end]]))
            start = end
        }
    }

    /// Fills `scalars`, their `flags` and `byteOffsets` from valid UTF-8.
    private mutating func decodeScalars(_ text: UnsafeBufferPointer<UInt8>) {
        scalars.removeAll(keepingCapacity: true)
        flags.removeAll(keepingCapacity: true)
        byteOffsets.removeAll(keepingCapacity: true)
        var i = 0
        let n = text.count
        while i < n {
            byteOffsets.append(i)
            let b0 = UInt32(text[i])
            var v: UInt32
            var len = 1
            if b0 < 0x80 {
                v = b0
            } else if b0 < 0xE0 {
                v = (b0 & 0x1F) << 6 | UInt32(text[i + 1] & 0x3F); len = 2
            } else if b0 < 0xF0 {
                v = (b0 & 0x0F) << 12 | UInt32(text[i + 1] & 0x3F) << 6 | UInt32(text[i + 2] & 0x3F); len = 3
            } else {
                v = (b0 & 0x07) << 18 | UInt32(text[i + 1] & 0x3F) << 12 | UInt32(text[i + 2] & 0x3F) << 6
                    | UInt32(text[i + 3] & 0x3F); len = 4
            }
            scalars.append(v)
            flags.append(CodepointClass.flags(v, unicode))
            i += len
        }
        byteOffsets.append(n)
    }
}
