/// Where one tensor lives in a safetensors file.
public struct SafeTensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: SafeTensorsDType
    /// Row-major (C order), outermost first, as PyTorch and numpy give it: `[out, in]` for a
    /// linear layer's weight. `[]` is a scalar (one element); a 0 anywhere means no elements.
    public let shape: [Int]
    /// The header's `data_offsets`: bytes within the data buffer (which starts at `dataOffset`).
    public let dataOffsets: Range<Int>
    /// Byte offset of the tensor's first byte from the start of the file. Not necessarily aligned.
    public let fileOffset: Int

    public var byteCount: Int { dataOffsets.count }
    public var elementCount: Int { shape.reduce(1, *) }
}

/// The parsed and validated header of a safetensors file:
///
///     u64 N (little-endian) | N bytes of UTF-8 JSON, maybe padded with spaces | data buffer
///
/// The JSON maps each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}`, plus an
/// optional `"__metadata__"` of string values. Validation follows the reference crate, and is
/// stricter in one place where the format's README is too: duplicate keys are rejected.
struct SafeTensorsHeader {
    /// Limit of the reference crate.
    static let maxLength = 100_000_000

    /// Length of the JSON (the N of the file's first 8 bytes).
    let length: Int
    /// Sorted by data offset.
    let tensors: [SafeTensorInfo]
    let metadata: [String: String]

    var dataOffset: Int { 8 + length }

    init(bytes: UnsafeRawBufferPointer, path: String) throws(SafeTensorsError) {
        guard bytes.count >= 8 else { throw .headerTooSmall(path: path, fileSize: bytes.count) }
        let n = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard n <= UInt64(Self.maxLength) else { throw .headerTooLarge(path: path, headerLength: n) }
        guard Int(n) <= bytes.count - 8 else { throw .headerBeyondFile(path: path, headerLength: n, fileSize: bytes.count) }
        length = Int(n)
        let json: SafeTensorsJSON
        do {
            json = try SafeTensorsJSON.parse(UnsafeRawBufferPointer(rebasing: bytes[8..<8 + length]), base: 8)
        } catch {
            throw .invalidHeader(path: path, offset: error.offset, reason: error.reason)
        }
        guard case .object(let members) = json.value else {
            throw .invalidHeader(path: path, offset: json.offset, reason: "the header must be a JSON object, found \(json.kind)")
        }

        var parsed = [Entry]()
        var names = Set<String>()
        var meta: [String: String]?
        for member in members {
            if member.key == "__metadata__" {
                guard meta == nil else { throw .duplicateName(path: path, name: member.key) }
                meta = try Self.metadata(member.value, path: path)
                continue
            }
            guard names.insert(member.key).inserted else { throw .duplicateName(path: path, name: member.key) }
            parsed.append(try Entry(member, path: path))
        }
        metadata = meta ?? [:]

        // The tensors must tile the buffer from 0 in offset order, each exactly its size.
        parsed.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var infos = [SafeTensorInfo]()
        infos.reserveCapacity(parsed.count)
        var end = 0
        for (i, t) in parsed.enumerated() {
            try t.validate(after: i == 0 ? nil : parsed[i - 1].name, at: end, path: path)
            end = t.end
            infos.append(SafeTensorInfo(name: t.name, dtype: t.dtype, shape: t.shape,
                                        dataOffsets: t.begin..<t.end, fileOffset: 8 + length + t.begin))
        }
        tensors = infos

        let (fileEnd, overflow) = (8 + length).addingReportingOverflow(end)
        if overflow || fileEnd > bytes.count { throw .truncated(path: path, fileSize: bytes.count, expected: overflow ? .max : fileEnd) }
        if fileEnd < bytes.count { throw .trailingBytes(path: path, fileSize: bytes.count, expected: fileEnd) }
    }

    static func metadata(_ json: SafeTensorsJSON, path: String) throws(SafeTensorsError) -> [String: String] {
        if case .null = json.value { return [:] }
        guard case .object(let members) = json.value else {
            throw .invalidHeader(path: path, offset: json.offset, reason: "__metadata__ must be an object of strings, found \(json.kind)")
        }
        var out = [String: String]()
        for m in members {
            guard case .string(let s) = m.value.value else {
                throw .invalidHeader(path: path, offset: m.value.offset,
                                     reason: "__metadata__ value of '\(m.key)' must be a string, found \(m.value.kind)")
            }
            guard out.updateValue(s, forKey: m.key) == nil else { throw .duplicateName(path: path, name: "__metadata__." + m.key) }
        }
        return out
    }

    /// One tensor's header entry, checked for types but not yet against the others.
    struct Entry {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let begin: Int
        let end: Int

        init(_ member: SafeTensorsJSON.Member, path: String) throws(SafeTensorsError) {
            // Locals first: the nested functions below must not capture a half-built self.
            let name = member.key
            self.name = name
            let entry = member.value
            guard case .object(let fields) = entry.value else {
                throw .invalidHeader(path: path, offset: entry.offset,
                                     reason: "tensor '\(name)' must be an object with dtype, shape and data_offsets, found \(entry.kind)")
            }
            var found = [String: SafeTensorsJSON]()
            for f in fields where ["dtype", "shape", "data_offsets"].contains(f.key) {
                guard found.updateValue(f.value, forKey: f.key) == nil else {
                    throw .invalidHeader(path: path, offset: f.value.offset, reason: "tensor '\(name)' has two '\(f.key)' fields")
                }
            }
            func field(_ key: String) throws(SafeTensorsError) -> SafeTensorsJSON {
                guard let v = found[key] else {
                    throw .invalidHeader(path: path, offset: entry.offset, reason: "tensor '\(name)' has no '\(key)' field")
                }
                return v
            }
            func sizes(_ key: String) throws(SafeTensorsError) -> [Int] {
                let v = try field(key)
                let bad = SafeTensorsError.invalidHeader(path: path, offset: v.offset,
                                                         reason: "\(key) of tensor '\(name)' must be an array of non-negative integers")
                guard case .array(let items) = v.value else { throw bad }
                var out = [Int]()
                for item in items {
                    guard case .integer(let i) = item.value, i >= 0 else { throw bad }
                    out.append(i)
                }
                return out
            }
            let d = try field("dtype")
            guard case .string(let dtypeName) = d.value else {
                throw .invalidHeader(path: path, offset: d.offset, reason: "dtype of tensor '\(name)' must be a string, found \(d.kind)")
            }
            guard let type = SafeTensorsDType(rawValue: dtypeName) else {
                throw .unknownDType(path: path, tensor: name, dtype: dtypeName)
            }
            let shape = try sizes("shape")
            let offsets = try sizes("data_offsets")
            guard offsets.count == 2 else {
                throw .invalidHeader(path: path, offset: try field("data_offsets").offset,
                                     reason: "data_offsets of tensor '\(name)' must be [begin, end], found \(offsets.count) values")
            }
            self.dtype = type
            self.shape = shape
            begin = offsets[0]
            end = offsets[1]
        }

        /// Checks that this tensor starts where the previous one (`previous`, ending at `start`)
        /// ended and spans exactly its elements' bytes.
        func validate(after previous: String?, at start: Int, path: String) throws(SafeTensorsError) {
            func offsets(_ reason: String) -> SafeTensorsError {
                .invalidOffsets(path: path, tensor: name, begin: begin, end: end, reason: reason)
            }
            guard end >= begin else { throw offsets("end is before begin") }
            if begin > start {
                throw offsets(previous.map { "bytes \(start)..<\(begin) after tensor '\($0)' belong to no tensor (a gap)" }
                              ?? "bytes 0..<\(begin) of the data buffer belong to no tensor (a gap)")
            }
            if begin < start { throw offsets("overlaps tensor '\(previous!)', which ends at \(start)") }
            var elements = 1
            for d in shape {
                let (p, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow else {
                    throw .invalidTensorInfo(path: path, tensor: name, reason: "shape \(shape) has too many elements")
                }
                elements = p
            }
            guard let bytes = dtype.byteCount(elements: elements) else {
                let (_, overflow) = elements.multipliedReportingOverflow(by: dtype.bitWidth)
                throw .invalidTensorInfo(path: path, tensor: name, reason: overflow
                    ? "shape \(shape) of \(dtype) has too many bytes"
                    : "\(elements) elements of \(dtype) (\(dtype.bitWidth) bits each) do not end on a byte boundary")
            }
            guard end - begin == bytes else {
                throw .sizeMismatch(path: path, tensor: name, dtype: dtype, shape: shape, expected: bytes, actual: end - begin)
            }
        }
    }
}
