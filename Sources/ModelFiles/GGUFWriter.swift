import Compute
#if canImport(Glibc)
import Glibc
#endif

/// Builds a GGUF v3 file: metadata in insertion order, then tensors, each aligned.
/// Used for export and by tests that need small synthetic model files.
public struct GGUFWriter {
    public struct Tensor {
        public var name: String
        /// Innermost-first, as GGUF stores it.
        public var shape: [Int]
        public var type: GGMLType
        public var data: [UInt8]
        public init(name: String, shape: [Int], type: GGMLType, data: [UInt8]) {
            self.name = name; self.shape = shape; self.type = type; self.data = data
        }
    }

    public var metadata: [(key: String, value: GGUFValue)] = []
    public var tensors: [Tensor] = []
    public var alignment = 32

    public init() {}

    public mutating func set(_ key: String, _ value: GGUFValue) {
        if let i = metadata.firstIndex(where: { $0.key == key }) { metadata[i].value = value } else { metadata.append((key, value)) }
    }

    public mutating func add(_ tensor: Tensor) { tensors.append(tensor) }

    /// The whole file as bytes.
    public func serialize() -> [UInt8] {
        var out = [UInt8]()
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func putString(_ s: String) { let u = Array(s.utf8); put(UInt64(u.count)); out.append(contentsOf: u) }
        func putArray(_ a: GGUFArray) {
            put(a.elementType.rawValue)
            put(UInt64(a.count))
            switch a {
            case .uint8(let x): x.forEach { put($0) }
            case .int8(let x): x.forEach { put($0) }
            case .uint16(let x): x.forEach { put($0) }
            case .int16(let x): x.forEach { put($0) }
            case .uint32(let x): x.forEach { put($0) }
            case .int32(let x): x.forEach { put($0) }
            case .float32(let x): x.forEach { put($0.bitPattern) }
            case .bool(let x): x.forEach { put(UInt8($0 ? 1 : 0)) }
            case .string(let x): x.forEach { putString($0) }
            case .uint64(let x): x.forEach { put($0) }
            case .int64(let x): x.forEach { put($0) }
            case .float64(let x): x.forEach { put($0.bitPattern) }
            case .array(let x): x.forEach { putArray($0) }
            }
        }
        func putValue(_ v: GGUFValue) {
            switch v {
            case .uint8(let x): put(x)
            case .int8(let x): put(x)
            case .uint16(let x): put(x)
            case .int16(let x): put(x)
            case .uint32(let x): put(x)
            case .int32(let x): put(x)
            case .float32(let x): put(x.bitPattern)
            case .bool(let x): put(UInt8(x ? 1 : 0))
            case .string(let x): putString(x)
            case .uint64(let x): put(x)
            case .int64(let x): put(x)
            case .float64(let x): put(x.bitPattern)
            case .array(let a): putArray(a)
            }
        }
        func pad() { while out.count % alignment != 0 { out.append(0) } }

        var meta = metadata
        if alignment != 32, !meta.contains(where: { $0.key == "general.alignment" }) {
            meta.append(("general.alignment", .uint32(UInt32(alignment))))
        }
        put(UInt32(0x4655_4747))
        put(UInt32(3))
        put(UInt64(tensors.count))
        put(UInt64(meta.count))
        for (k, v) in meta { putString(k); put(v.valueType.rawValue); putValue(v) }
        var offset = 0
        for t in tensors {
            putString(t.name)
            put(UInt32(t.shape.count))
            t.shape.forEach { put(UInt64($0)) }
            put(t.type.rawValue)
            put(UInt64(offset))
            offset += (t.data.count + alignment - 1) / alignment * alignment
        }
        pad()
        for t in tensors { out.append(contentsOf: t.data); pad() }
        return out
    }

    /// Writes atomically: to a temporary file beside `path`, then renamed over it.
    public func write(to path: String) throws(ModelFileError) {
        try writeFileAtomically(path: path, bytes: serialize())
    }
}

/// Writes `bytes` to `path` through a temporary file (`path.tmp-PID`), `fsync` and `rename`, then
/// syncs the folder, so a crash or a full disk never leaves a half-written file under the final
/// name and a finished write survives a power cut.
public func writeFileAtomically(path: String, bytes: [UInt8]) throws(ModelFileError) {
    let tmp = path + ".tmp-\(getpid())"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
    var written = 0
    let failure: String? = bytes.withUnsafeBytes { buf in
        while written < buf.count {
            let n = Glibc.write(fd, buf.baseAddress! + written, buf.count - written)
            if n < 0 { if errno == EINTR { continue }; return String(cString: strerror(errno)) }
            written += n
        }
        return fsync(fd) == 0 ? nil : String(cString: strerror(errno))
    }
    close(fd)
    if let failure { unlink(tmp); throw .writeFailed(path: path, reason: failure) }
    guard rename(tmp, path) == 0 else {
        let reason = String(cString: strerror(errno)); unlink(tmp)
        throw .writeFailed(path: path, reason: reason)
    }
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    let dirfd = open(folder, O_RDONLY)
    if dirfd >= 0 { fsync(dirfd); close(dirfd) }
}
