/// The training arguments a fastText model file stores after its magic and version
/// (fastText `Args::save`: twelve int32 then a double). Prediction needs `dim`, `wordNgrams`,
/// `loss`, `model`, `bucket`, `minn` and `maxn`; the rest is kept for inspection.
public struct FastTextArgs: Sendable, Equatable {
    /// The loss the output layer was trained with; it decides how `predict` scores labels.
    public enum Loss: Int32, Sendable {
        /// Huffman tree over labels (LID-176), negative sampling, full softmax, one sigmoid per label.
        case hierarchicalSoftmax = 1, negativeSampling, softmax, oneVsAll
    }
    /// What the model was trained for; only `supervised` models predict labels.
    public enum Model: Int32, Sendable {
        /// Word vectors (cbow, skip-gram) or a text classifier (supervised).
        case cbow = 1, skipgram, supervised
    }

    /// Width of the word / n-gram vectors (LID-176: 16).
    public var dim: Int
    /// Training context window (unused by prediction).
    public var ws: Int
    /// Training epochs (unused by prediction).
    public var epoch: Int
    /// Minimum word count kept in the dictionary at training time.
    public var minCount: Int
    /// Negative samples per positive at training time.
    public var neg: Int
    /// Longest word n-gram hashed into the input (LID-176: 1, i.e. none).
    public var wordNgrams: Int
    /// The output layer's loss, which decides how labels are scored.
    public var loss: Loss
    /// The model kind; only `.supervised` predicts labels.
    public var model: Model
    /// Number of hash buckets for character / word n-grams (LID-176: 2,000,000).
    public var bucket: Int
    /// Shortest and longest character n-gram, in Unicode scalars (LID-176: 2 and 4).
    public var minn: Int
    public var maxn: Int
    /// Learning-rate update interval at training time.
    public var lrUpdateRate: Int
    /// Sub-sampling threshold `t` at training time.
    public var samplingThreshold: Double

    static func read(from r: inout FastTextBinaryReader, version: Int32) throws(LanguageIDError) -> FastTextArgs {
        func int(_ f: String) throws(LanguageIDError) -> Int { Int(try r.int32("args." + f)) }
        let dim = try int("dim"), ws = try int("ws"), epoch = try int("epoch")
        let minCount = try int("minCount"), neg = try int("neg"), wordNgrams = try int("wordNgrams")
        let lossRaw = try r.int32("args.loss")
        guard let loss = Loss(rawValue: lossRaw) else { throw r.invalid("args.loss", "unknown loss \(lossRaw)") }
        let modelRaw = try r.int32("args.model")
        guard let model = Model(rawValue: modelRaw) else { throw r.invalid("args.model", "unknown model \(modelRaw)") }
        let bucket = try int("bucket"), minn = try int("minn")
        var maxn = try int("maxn")
        let lrUpdateRate = try int("lrUpdateRate")
        let t = try r.double("args.t")
        // fastText: version-11 supervised models were trained without character n-grams.
        if version == 11 && model == .supervised { maxn = 0 }
        guard dim > 0, dim <= 1 << 16 else { throw r.invalid("args.dim", "dim \(dim)") }
        guard bucket >= 0, minn >= 0, maxn >= 0 else {
            throw r.invalid("args.bucket/minn/maxn", "bucket \(bucket), minn \(minn), maxn \(maxn)")
        }
        return FastTextArgs(dim: dim, ws: ws, epoch: epoch, minCount: minCount, neg: neg, wordNgrams: wordNgrams,
                            loss: loss, model: model, bucket: bucket, minn: minn, maxn: maxn,
                            lrUpdateRate: lrUpdateRate, samplingThreshold: t)
    }
}
