import Compute

/// Where one tensor lives in a GGUF file.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// Dimensions innermost-first, as GGUF stores them: `[in, out]` is `out` rows of `in` values.
    public let shape: [Int]
    public let type: GGMLType
    /// Byte offset from the start of the file.
    public let fileOffset: Int
    public let byteCount: Int

    public var elementCount: Int { shape.reduce(1, *) }
}

/// A GGUF v2/v3 file, memory-mapped. Metadata is parsed eagerly; tensor data stays in the
/// mapping and is handed out as pointers into it.
public final class GGUFFile: @unchecked Sendable {
    public let path: String
    public let version: UInt32
    /// Metadata in file order.
    public let metadataKeys: [String]
    public let metadata: [String: GGUFValue]
    /// Tensors in file order.
    public let tensors: [GGUFTensorInfo]
    public let tensorsByName: [String: GGUFTensorInfo]
    public let alignment: Int
    /// Byte offset of the tensor data section.
    public let dataOffset: Int
    public let file: MappedFile

    public convenience init(path: String) throws(ModelFileError) {
        try self.init(file: try MappedFile(path: path))
    }

    public init(file: MappedFile) throws(ModelFileError) {
        self.file = file
        path = file.path
        var r = GGUFReader(bytes: file.bytes, path: file.path)
        guard file.bytes.count >= 4 else {
            throw file.bytes.isEmpty ? .notGGUF(path: path, magic: "(empty file)")
                                     : .truncated(path: path, offset: file.bytes.count, reading: "magic")
        }
        let magic = try r.u32("magic")
        guard magic == 0x4655_4747 else {
            let chars = withUnsafeBytes(of: magic.littleEndian) { b in
                b.map { (32...126).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
            }
            throw .notGGUF(path: path, magic: "\"\(chars)\"")
        }
        version = try r.u32("version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(path: path, version: version) }
        let tensorCount = try r.count("tensor", minElementBytes: 24)
        let kvCount = try r.count("metadata", minElementBytes: 12)

        var keys = [String]()
        var meta = [String: GGUFValue]()
        for i in 0..<kvCount {
            let at = r.offset
            let key = try r.string("metadata key #\(i)")
            let type = try r.valueType("metadata '\(key)'")
            let value = try r.value(of: type, "metadata '\(key)'")
            guard meta[key] == nil else { throw .malformed(path: path, offset: at, reason: "duplicate metadata key '\(key)'") }
            keys.append(key)
            meta[key] = value
        }
        metadataKeys = keys
        metadata = meta

        var align = 32
        if let a = meta["general.alignment"] {
            guard let v = a.intValue, v > 0, v & (v - 1) == 0, v <= 1 << 20 else {
                throw .malformed(path: path, offset: r.offset, reason: "general.alignment \(a) is not a power of two")
            }
            align = v
        }
        alignment = align

        struct Raw { let name: String; let shape: [Int]; let typeID: UInt32; let offset: UInt64; let at: Int }
        var raws = [Raw]()
        raws.reserveCapacity(tensorCount)
        for i in 0..<tensorCount {
            let at = r.offset
            let name = try r.string("name of tensor #\(i)")
            let nDims = Int(try r.u32("dimension count of tensor '\(name)'"))
            guard (1...4).contains(nDims) else {
                throw .malformed(path: path, offset: at, reason: "tensor '\(name)' has \(nDims) dimensions (1 to 4 allowed)")
            }
            var shape = [Int]()
            for d in 0..<nDims {
                let n = try r.u64("dimension \(d) of tensor '\(name)'")
                guard n > 0, n < 1 << 40 else {
                    throw .malformed(path: path, offset: at, reason: "tensor '\(name)' has dimension \(d) = \(n)")
                }
                shape.append(Int(n))
            }
            let typeID = try r.u32("type of tensor '\(name)'")
            let offset = try r.u64("offset of tensor '\(name)'")
            raws.append(Raw(name: name, shape: shape, typeID: typeID, offset: offset, at: at))
        }
        let start = (r.offset + align - 1) / align * align
        dataOffset = start
        let size = file.bytes.count

        var infos = [GGUFTensorInfo]()
        var byName = [String: GGUFTensorInfo]()
        for raw in raws {
            guard let type = GGMLType(rawValue: raw.typeID) else {
                throw .unknownTensorType(path: path, tensor: raw.name, typeID: raw.typeID)
            }
            var elements = 1
            for d in raw.shape {
                let (p, o) = elements.multipliedReportingOverflow(by: d)
                guard !o, p < 1 << 42 else {
                    throw .malformed(path: path, offset: raw.at, reason: "tensor '\(raw.name)' has too many elements")
                }
                elements = p
            }
            guard let rowBytes = type.rowBytes(raw.shape[0]) else {
                throw .malformed(path: path, offset: raw.at,
                                 reason: "tensor '\(raw.name)' row of \(raw.shape[0]) is not a multiple of the \(type) block size \(type.blockSize)")
            }
            let bytes = rowBytes * (elements / raw.shape[0])
            guard raw.offset % UInt64(align) == 0 else {
                throw .malformed(path: path, offset: raw.at, reason: "tensor '\(raw.name)' offset \(raw.offset) is not aligned to \(align)")
            }
            guard raw.offset <= UInt64(size), start + Int(raw.offset) + bytes <= size else {
                let end = raw.offset > UInt64(size) ? Int.max : start + Int(raw.offset) + bytes
                throw .tensorOutOfBounds(path: path, tensor: raw.name, end: end, fileSize: size)
            }
            guard byName[raw.name] == nil else {
                throw .malformed(path: path, offset: raw.at, reason: "duplicate tensor name '\(raw.name)'")
            }
            let info = GGUFTensorInfo(name: raw.name, shape: raw.shape, type: type,
                                      fileOffset: start + Int(raw.offset), byteCount: bytes)
            infos.append(info)
            byName[raw.name] = info
        }
        tensors = infos
        tensorsByName = byName
    }

    /// The bytes of a tensor, inside the mapping (valid while this object lives).
    public func data(of info: GGUFTensorInfo) -> UnsafeRawPointer {
        file.bytes.baseAddress!.advanced(by: info.fileOffset)
    }

    public func tensor(_ name: String) throws(ModelFileError) -> GGUFTensorInfo {
        guard let t = tensorsByName[name] else { throw .missingTensor(path: path, tensor: name) }
        return t
    }

    // MARK: typed metadata access

    public func value(_ key: String) throws(ModelFileError) -> GGUFValue {
        guard let v = metadata[key] else { throw .missingKey(path: path, key: key) }
        return v
    }

    public func string(_ key: String) throws(ModelFileError) -> String {
        let v = try value(key)
        guard let s = v.stringValue else { throw .wrongKeyType(path: path, key: key, expected: "string", found: v.typeName) }
        return s
    }

    public func int(_ key: String) throws(ModelFileError) -> Int {
        let v = try value(key)
        guard let i = v.intValue else { throw .wrongKeyType(path: path, key: key, expected: "integer", found: v.typeName) }
        return i
    }

    public func float(_ key: String) throws(ModelFileError) -> Float {
        let v = try value(key)
        guard let d = v.doubleValue else { throw .wrongKeyType(path: path, key: key, expected: "number", found: v.typeName) }
        return Float(d)
    }

    public func bool(_ key: String) throws(ModelFileError) -> Bool {
        let v = try value(key)
        guard let b = v.boolValue else { throw .wrongKeyType(path: path, key: key, expected: "bool", found: v.typeName) }
        return b
    }

    public func array(_ key: String) throws(ModelFileError) -> GGUFArray {
        let v = try value(key)
        guard let a = v.arrayValue else { throw .wrongKeyType(path: path, key: key, expected: "array", found: v.typeName) }
        return a
    }

    /// Optional forms: nil when absent, an error when present with the wrong type.
    public func optionalInt(_ key: String) throws(ModelFileError) -> Int? { metadata[key] == nil ? nil : try int(key) }
    public func optionalFloat(_ key: String) throws(ModelFileError) -> Float? { metadata[key] == nil ? nil : try float(key) }
    public func optionalBool(_ key: String) throws(ModelFileError) -> Bool? { metadata[key] == nil ? nil : try bool(key) }
    public func optionalString(_ key: String) throws(ModelFileError) -> String? { metadata[key] == nil ? nil : try string(key) }
    public func optionalArray(_ key: String) throws(ModelFileError) -> GGUFArray? { metadata[key] == nil ? nil : try array(key) }
}
