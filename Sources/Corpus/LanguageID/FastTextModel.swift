#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A supervised fastText model (`.bin` or quantized `.ftz`) ready to predict labels: the
/// dictionary, the input rows expanded to floats (`rows × dim`), and the output layer.
///
/// Prediction follows fastText's `predictLine` on one line: split on the bytes
/// ` \n\r\t\v\f\0`, append `</s>`, gather each token's rows (a vocabulary word and its character
/// n-grams, or only the n-grams of an unknown word; tokens starting `__label__` are skipped; a
/// literal `</s>` ends the line), average them into `hidden` (dim floats), then score labels.
struct FastTextModel: Sendable {
    static let magic: Int32 = 793_712_314
    static let newestVersion: Int32 = 12

    let args: FastTextArgs
    let dictionary: FastTextDictionary
    /// Input rows, `rows × dim` floats (quantized rows expanded once at load).
    let inputRows: [Float]
    let inputRowCount: Int
    /// The quantized input as stored, for the reference path.
    let quantizedInput: QuantizedMatrix?
    let output: FastTextOutputMatrix
    let tree: HierarchicalSoftmax?
    let flatLoss: FlatOutputLoss?
    let endOfSentenceHash: UInt32
    let endOfSentenceID: Int32

    var labelCount: Int { dictionary.labelCount }
    var dim: Int { args.dim }
}

extension FastTextModel {
    /// Parses a whole model file (`FastText::loadModel`).
    init(bytes: [UInt8], path: String) throws(LanguageIDError) {
        var r = FastTextBinaryReader(bytes: bytes, path: path)
        let magic = try r.int32("magic")
        guard magic == Self.magic else { throw r.invalid("magic", "\(magic) is not a fastText model") }
        let version = try r.int32("version")
        guard version <= Self.newestVersion else { throw r.invalid("version", "version \(version) is newer than 12") }
        let args = try FastTextArgs.read(from: &r, version: version)
        guard args.model == .supervised else { throw r.invalid("args.model", "\(args.model) models do not predict labels") }
        let dict = try FastTextDictionary.read(from: &r, args: args)
        let quantInput = try r.bool("quant_input")
        var quantized: QuantizedMatrix? = nil
        let rows: [Float], rowCount: Int
        if quantInput {
            let q = try QuantizedMatrix.read(from: &r, "input")
            (quantized, rows, rowCount) = (q, q.expanded(), q.rows)
            guard q.cols == args.dim else { throw r.invalid("input.n", "\(q.cols) columns, dim is \(args.dim)") }
        } else {
            guard dict.pruneSize < 0 else { throw r.invalid("quant_input", "pruned dictionary with a dense input matrix") }
            (rowCount, rows) = try Self.readDense(&r, "input", cols: args.dim)
        }
        try dict.validate(inputRows: rowCount, r)
        let qout = try r.bool("qout")
        let output: FastTextOutputMatrix
        if quantInput && qout {
            let q = try QuantizedMatrix.read(from: &r, "output")
            guard q.cols == args.dim else { throw r.invalid("output.n", "\(q.cols) columns, dim is \(args.dim)") }
            output = .quantized(q)
        } else {
            let (m, values) = try Self.readDense(&r, "output", cols: args.dim)
            output = .dense(rows: m, cols: args.dim, values: values)
        }
        let needed = args.loss == .hierarchicalSoftmax ? dict.labelCount - 1 : dict.labelCount
        guard output.rows >= needed else { throw r.invalid("output.m", "\(output.rows) rows for \(dict.labelCount) labels") }
        let eos = FastTextDictionary.endOfSentence
        let eosHash = FastTextDictionary.hash(eos)
        let eosID = eos.withUnsafeBufferPointer { dict.entryID($0, 0, $0.count, hash: eosHash) }
        self.init(args: args, dictionary: dict, inputRows: rows, inputRowCount: rowCount, quantizedInput: quantized,
                  output: output,
                  tree: args.loss == .hierarchicalSoftmax ? HierarchicalSoftmax(counts: dict.labelCounts) : nil,
                  flatLoss: args.loss == .hierarchicalSoftmax ? nil : FlatOutputLoss(softmax: args.loss == .softmax),
                  endOfSentenceHash: eosHash, endOfSentenceID: eosID)
    }

    /// `DenseMatrix::save`: m and n (int64), then m·n floats.
    private static func readDense(_ r: inout FastTextBinaryReader, _ name: String, cols: Int) throws(LanguageIDError) -> (Int, [Float]) {
        let m = try r.int64(name + ".m"), n = try r.int64(name + ".n")
        guard n == Int64(cols), m >= 0, m <= Int64(r.remaining / 4) / max(1, n) else {
            throw r.invalid(name, "shape \(m)×\(n), dim is \(cols)")
        }
        return (Int(m), try r.floats(Int(m * n), name + ".data"))
    }

    /// Scores labels from an averaged input vector: the `k` best (log-score, label), best first.
    func scoreLabels(hidden: UnsafeBufferPointer<Float>, k: Int, threshold: Float) -> [(score: Float, label: Int32)] {
        if let tree { return tree.predict(hidden: hidden, output: output, k: k, threshold: threshold) }
        return flatLoss?.predict(hidden: hidden, output: output, labelCount: labelCount, k: k, threshold: threshold) ?? []
    }
}
