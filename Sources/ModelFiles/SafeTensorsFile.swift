import Compute

#if _endian(big)
#error("safetensors data is little-endian; SafeTensorsFile hands it out as native values")
#endif

/// A safetensors file, memory-mapped. The header is parsed and validated eagerly (see
/// `SafeTensorsHeader` for the rules); tensor data stays in the mapping and is handed out as
/// pointers into it, or converted to `[Float]` by `floats`.
///
/// Tensor data is not necessarily aligned: the format only requires that the tensors tile the
/// data buffer, and files written by the reference library put `U8` after `F32` freely; read
/// through `loadUnaligned` or copy out.
public final class SafeTensorsFile: Sendable {
    public let path: String
    public let file: MappedFile
    /// Tensors in data-offset order.
    public let tensors: [SafeTensorInfo]
    public let tensorsByName: [String: SafeTensorInfo]
    /// The header's `__metadata__` (empty when absent). Transformers writes `["format": "pt"]`.
    public let metadata: [String: String]
    /// Length in bytes of the JSON header (the first 8 bytes of the file hold it).
    public let headerLength: Int
    /// Byte offset of the data buffer: `8 + headerLength`.
    public let dataOffset: Int

    public convenience init(path: String) throws(SafeTensorsError) {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch {
            if case .cannotOpen(_, let reason) = error { throw .cannotOpen(path: path, reason: reason) }
            throw .cannotOpen(path: path, reason: error.description)
        }
        try self.init(file: file)
    }

    public init(file: MappedFile) throws(SafeTensorsError) {
        self.file = file
        path = file.path
        let header = try SafeTensorsHeader(bytes: file.bytes, path: file.path)
        tensors = header.tensors
        metadata = header.metadata
        headerLength = header.length
        dataOffset = header.dataOffset
        var byName = [String: SafeTensorInfo](minimumCapacity: header.tensors.count)
        for t in header.tensors { byName[t.name] = t }
        tensorsByName = byName
    }

    /// Tensor names in data-offset order.
    public var names: [String] { tensors.map(\.name) }

    public func tensor(_ name: String) throws(SafeTensorsError) -> SafeTensorInfo {
        guard let t = tensorsByName[name] else { throw .missingTensor(path: path, tensor: name) }
        return t
    }

    /// The bytes of a tensor of this file (`info` from `tensors` or `tensor(_:)`), inside the
    /// mapping (valid while this object lives). Little-endian, row-major, possibly unaligned.
    public func data(of info: SafeTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[info.fileOffset..<info.fileOffset + info.byteCount])
    }

    /// The bytes of the tensor `name`.
    public func data(_ name: String) throws(SafeTensorsError) -> UnsafeRawBufferPointer { data(of: try tensor(name)) }

    /// The values of an F32, F16, BF16 or F64 tensor as f32, row-major (F64 rounds to nearest).
    public func floats(_ name: String) throws(SafeTensorsError) -> [Float] { try floats(of: try tensor(name)) }

    /// The values of `info` as f32; see `floats(_:)`.
    public func floats(of info: SafeTensorInfo) throws(SafeTensorsError) -> [Float] {
        let src = data(of: info)
        let n = info.elementCount
        guard info.dtype.isConvertibleToFloat else { throw .notFloatingPoint(path: path, tensor: info.name, dtype: info.dtype) }
        guard n > 0, let base = src.baseAddress else { return [] }
        return [Float](unsafeUninitializedCapacity: n) { out, count in
            let dst = out.baseAddress!
            switch info.dtype {
            case .f32:
                UnsafeMutableRawBufferPointer(out).copyMemory(from: src)
            case .f64:
                for i in 0..<n { dst[i] = Float(src.loadUnaligned(fromByteOffset: i * 8, as: Double.self)) }
            case .f16, .bf16:
                Self.withHalves(base, count: n) { h in
                    if info.dtype == .f16 { Half.f16ToFloat(h, count: n, into: dst) } else { Half.bf16ToFloat(h, count: n, into: dst) }
                }
            default:
                preconditionFailure("unreachable: checked isConvertibleToFloat")
            }
            count = n
        }
    }

    /// Calls `body` with `count` 16-bit values at `raw`, copied to aligned memory first when
    /// `raw` sits at an odd address.
    private static func withHalves(_ raw: UnsafeRawPointer, count: Int, _ body: (UnsafePointer<UInt16>) -> Void) {
        if Int(bitPattern: raw) % MemoryLayout<UInt16>.alignment == 0 {
            raw.withMemoryRebound(to: UInt16.self, capacity: count, body)
        } else {
            let copy = [UInt16](unsafeUninitializedCapacity: count) { buf, n in
                UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(start: raw, count: count * 2))
                n = count
            }
            copy.withUnsafeBufferPointer { body($0.baseAddress!) }
        }
    }
}
