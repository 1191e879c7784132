import Compute

/// Builds a safetensors file, laid out byte for byte as the reference writer (the `safetensors`
/// crate behind `safetensors.torch.save_file` and `safetensors.numpy.save_file`) lays it out:
/// - tensors ordered by dtype, widest alignment first (the order of `SafeTensorsDType`, reversed),
///   then by name (byte order), packed back to back from offset 0;
/// - the header compact JSON, `"__metadata__"` first (keys sorted here; the crate's order is a
///   hash map's), then each tensor `{"dtype","shape","data_offsets"}`; padded with spaces to a
///   multiple of 8 bytes so that the data buffer starts 8-aligned.
/// Metadata is omitted when empty. `write(to:)` streams the tensors to a temporary file and
/// renames it over the destination (see `AtomicFileOutput`).
public struct SafeTensorsWriter: Sendable {
    /// The header's `__metadata__`, string to string (Transformers expects `["format": "pt"]`).
    public var metadata: [String: String]
    private var entries: [Entry] = []
    private var added = Set<String>()

    struct Entry: Sendable {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let payload: Payload
        let byteCount: Int
    }

    enum Payload: Sendable {
        case bytes([UInt8])
        /// Converted to the entry's dtype chunk by chunk while writing.
        case floats([Float])
    }

    public init(metadata: [String: String] = [:]) { self.metadata = metadata }

    /// Adds a tensor of raw little-endian, row-major bytes: `bytes.count` must be the size of
    /// `shape` (outermost first) in `dtype`.
    public mutating func add(_ name: String, dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8]) throws(SafeTensorsError) {
        let (_, size) = try checkedSize(name, dtype: dtype, shape: shape)
        guard bytes.count == size else {
            throw .invalidTensor(tensor: name, reason: "\(dtype) \(shape) needs \(size) bytes, got \(bytes.count)")
        }
        insert(Entry(name: name, dtype: dtype, shape: shape, payload: .bytes(bytes), byteCount: size))
    }

    /// Adds a tensor of f32 values stored as `dtype`: F32, F16, BF16 (rounded to nearest even)
    /// or F64. `values.count` must be the product of `shape` (outermost first).
    public mutating func add(_ name: String, shape: [Int], floats values: [Float], as dtype: SafeTensorsDType = .f32) throws(SafeTensorsError) {
        guard dtype.isConvertibleToFloat else {
            throw .invalidTensor(tensor: name, reason: "floats are stored as F32, F16, BF16 or F64, not \(dtype)")
        }
        let (elements, size) = try checkedSize(name, dtype: dtype, shape: shape)
        guard values.count == elements else {
            throw .invalidTensor(tensor: name, reason: "shape \(shape) holds \(elements) values, got \(values.count)")
        }
        insert(Entry(name: name, dtype: dtype, shape: shape, payload: .floats(values), byteCount: size))
    }

    /// Tensor names in the order they are written.
    public var names: [String] { layout.map(\.name) }

    /// The whole file in memory.
    public func serialize() throws(SafeTensorsError) -> [UInt8] {
        let tensors = layout
        let head = try header(for: tensors, path: "(in memory)")
        var sink = ByteSink()
        emit(head, tensors, into: &sink)
        return sink.bytes
    }

    /// Writes the file atomically: the destination is replaced only once every byte is on disk;
    /// until then (and after any failure or kill) it keeps its previous content or stays absent.
    public func write(to path: String) throws(SafeTensorsError) {
        let tensors = layout
        let head = try header(for: tensors, path: path)
        var output = try AtomicFileOutput(path: path)
        emit(head, tensors, into: &output)
        try output.commit()
    }

    // MARK: layout

    /// The element and byte counts of a new tensor, after checking its name and shape.
    private func checkedSize(_ name: String, dtype: SafeTensorsDType, shape: [Int]) throws(SafeTensorsError) -> (elements: Int, bytes: Int) {
        guard name != "__metadata__" else { throw .invalidTensor(tensor: name, reason: "the name is reserved for the header's metadata") }
        guard !added.contains(name) else { throw .invalidTensor(tensor: name, reason: "added twice") }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .invalidTensor(tensor: name, reason: "negative dimension in shape \(shape)") }
        var elements = 1
        for d in shape {
            let (p, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow else { throw .invalidTensor(tensor: name, reason: "shape \(shape) has too many elements") }
            elements = p
        }
        guard let size = dtype.byteCount(elements: elements) else {
            throw .invalidTensor(tensor: name, reason: "\(elements) elements of \(dtype) do not end on a byte boundary")
        }
        return (elements, size)
    }

    private mutating func insert(_ entry: Entry) {
        added.insert(entry.name)
        entries.append(entry)
    }

    /// Entries in file order: dtype rank descending, then name bytes ascending.
    var layout: [Entry] {
        entries.sorted { a, b in
            a.dtype.layoutRank != b.dtype.layoutRank ? a.dtype.layoutRank > b.dtype.layoutRank
                                                     : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
    }

    /// The first 8 + N bytes: the header length, then the padded JSON.
    func header(for tensors: [Entry], path: String) throws(SafeTensorsError) -> [UInt8] {
        var json = [UInt8]()
        func ascii(_ s: String) { json += Array(s.utf8) }
        ascii("{")
        var first = true
        func comma() { if !first { ascii(",") }; first = false }
        if !metadata.isEmpty {
            comma()
            ascii(#""__metadata__":{"#)
            for (i, key) in metadata.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if i > 0 { ascii(",") }
                SafeTensorsJSON.appendQuoted(key, to: &json)
                ascii(":")
                SafeTensorsJSON.appendQuoted(metadata[key]!, to: &json)
            }
            ascii("}")
        }
        var offset = 0
        for t in tensors {
            comma()
            SafeTensorsJSON.appendQuoted(t.name, to: &json)
            ascii(#":{"dtype":"\#(t.dtype.rawValue)","shape":[\#(t.shape.map(String.init).joined(separator: ","))],"#)
            ascii(#""data_offsets":[\#(offset),\#(offset + t.byteCount)]}"#)
            offset += t.byteCount
        }
        ascii("}")
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        guard json.count <= SafeTensorsHeader.maxLength else { throw .headerTooLarge(path: path, headerLength: UInt64(json.count)) }
        var out = [UInt8]()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out += $0 }
        return out + json
    }

    /// Writes header and data to `sink`, converting float tensors in chunks (memory stays the
    /// caller's arrays plus one chunk).
    private func emit<S: SafeTensorsSink>(_ header: [UInt8], _ tensors: [Entry], into sink: inout S) {
        header.withUnsafeBytes { sink.write($0) }
        for t in tensors {
            switch t.payload {
            case .bytes(let b): b.withUnsafeBytes { sink.write($0) }
            case .floats(let xs): Self.writeFloats(xs, as: t.dtype, into: &sink)
            }
        }
    }

    private static func writeFloats<S: SafeTensorsSink>(_ xs: [Float], as dtype: SafeTensorsDType, into sink: inout S) {
        if dtype == .f32 { xs.withUnsafeBytes { sink.write($0) }; return }
        let chunk = 1 << 16
        let width = dtype.bitWidth / 8
        let staging = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk * width, alignment: 8)
        defer { staging.deallocate() }
        xs.withUnsafeBufferPointer { src in
            var i = 0
            while i < src.count {
                let k = min(chunk, src.count - i)
                let from = src.baseAddress! + i
                switch dtype {
                case .f16: Half.floatToF16(from, count: k, into: staging.baseAddress!.bindMemory(to: UInt16.self, capacity: k))
                case .bf16: Half.floatToBF16(from, count: k, into: staging.baseAddress!.bindMemory(to: UInt16.self, capacity: k))
                default: for j in 0..<k { staging.storeBytes(of: Double(from[j]), toByteOffset: j * 8, as: Double.self) }
                }
                sink.write(UnsafeRawBufferPointer(rebasing: staging[..<(k * width)]))
                i += k
            }
        }
    }
}

/// Where the writer's bytes go: memory or a file. A file sink records its first failure and
/// reports it when committed, so that writing needs no throwing closures.
protocol SafeTensorsSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer)
}

struct ByteSink: SafeTensorsSink {
    var bytes = [UInt8]()
    mutating func write(_ b: UnsafeRawBufferPointer) { bytes.append(contentsOf: b) }
}
