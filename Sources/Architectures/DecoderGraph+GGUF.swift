import Autodiff
import Compute
import ModelFiles

extension DecoderGraph {
    /// The model in `gguf` as a trainable graph: every tensor dequantized to f32 (quantized files
    /// fine-tune from their dequantized values), with the shapes its config implies.
    public convenience init(gguf: GGUFFile, trainable: Bool = true) throws {
        let config = try Architectures.config(gguf)
        try self.init(config: config) { name, shape in
            // GGUF lists dimensions innermost first: a (rows, columns) matrix is [columns, rows].
            let info = try WeightLoader(gguf: gguf).info(name, shape: shape.reversed())
            let t = Tensor(zeros: shape, requiresGrad: trainable)
            let columns = shape.last!, rows = t.count / columns
            guard let rowBytes = info.type.rowBytes(columns) else {
                throw ArchitectureError.unsupportedTensorType(path: gguf.path, tensor: name, type: info.type)
            }
            let src = gguf.data(of: info)
            for r in 0..<rows {
                Quant.dequantizeRow(info.type, src + r * rowBytes, count: columns, into: t.value.pointer + r * columns)
            }
            return t
        }
    }
}
