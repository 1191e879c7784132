/// A bounds-checked little-endian cursor over GGUF bytes. Every read checks what remains and
/// throws `truncated` / `malformed` naming the offset: a corrupt file can never read outside the
/// mapping or allocate without bound.
struct GGUFReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    var offset = 0

    var remaining: Int { bytes.count - offset }

    mutating func need(_ n: Int, _ what: @autoclosure () -> String) throws(ModelFileError) {
        if n < 0 || n > remaining { throw .truncated(path: path, offset: bytes.count, reading: what()) }
    }

    mutating func scalar<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(ModelFileError) -> T {
        try need(MemoryLayout<T>.size, what())
        let v = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return v
    }

    mutating func u32(_ what: @autoclosure () -> String) throws(ModelFileError) -> UInt32 { try scalar(UInt32.self, what()) }
    mutating func u64(_ what: @autoclosure () -> String) throws(ModelFileError) -> UInt64 { try scalar(UInt64.self, what()) }

    /// A count stored as u64 that must fit in memory: at most `remaining / minElementBytes`.
    mutating func count(_ what: @autoclosure () -> String, minElementBytes: Int) throws(ModelFileError) -> Int {
        let at = offset
        let n = try u64(what())
        let limit = UInt64(remaining / max(1, minElementBytes))
        guard n <= limit else {
            throw .malformed(path: path, offset: at, reason: "\(what()) count \(n) exceeds what the remaining \(remaining) bytes can hold (file truncated or corrupt)")
        }
        return Int(n)
    }

    mutating func string(_ what: @autoclosure () -> String) throws(ModelFileError) -> String {
        let n = try count("length of \(what())", minElementBytes: 1)
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n]), as: UTF8.self)
        offset += n
        return s
    }

    mutating func valueType(_ what: @autoclosure () -> String) throws(ModelFileError) -> GGUFValueType {
        let at = offset
        let raw = try u32("type of \(what())")
        guard let t = GGUFValueType(rawValue: raw) else {
            throw .malformed(path: path, offset: at, reason: "unknown metadata value type \(raw) for \(what())")
        }
        return t
    }

    mutating func value(of type: GGUFValueType, _ what: String, depth: Int = 0) throws(ModelFileError) -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try scalar(UInt8.self, what))
        case .int8: return .int8(try scalar(Int8.self, what))
        case .uint16: return .uint16(try scalar(UInt16.self, what))
        case .int16: return .int16(try scalar(Int16.self, what))
        case .uint32: return .uint32(try scalar(UInt32.self, what))
        case .int32: return .int32(try scalar(Int32.self, what))
        case .float32: return .float32(Float(bitPattern: try scalar(UInt32.self, what)))
        case .bool:
            let at = offset
            let b = try scalar(UInt8.self, what)
            guard b <= 1 else { throw .malformed(path: path, offset: at, reason: "bool \(what) has value \(b)") }
            return .bool(b == 1)
        case .string: return .string(try string(what))
        case .uint64: return .uint64(try scalar(UInt64.self, what))
        case .int64: return .int64(try scalar(Int64.self, what))
        case .float64: return .float64(Double(bitPattern: try scalar(UInt64.self, what)))
        case .array: return .array(try array(what, depth: depth))
        }
    }

    mutating func array(_ what: String, depth: Int) throws(ModelFileError) -> GGUFArray {
        let at = offset
        guard depth < 8 else { throw .malformed(path: path, offset: at, reason: "arrays nested too deeply in \(what)") }
        let elementType = try valueType("elements of \(what)")
        let n = try count("\(what) array", minElementBytes: elementType.scalarSize ?? 8)
        switch elementType {
        case .uint8: return .uint8(try scalars(UInt8.self, n))
        case .int8: return .int8(try scalars(Int8.self, n))
        case .uint16: return .uint16(try scalars(UInt16.self, n))
        case .int16: return .int16(try scalars(Int16.self, n))
        case .uint32: return .uint32(try scalars(UInt32.self, n))
        case .int32: return .int32(try scalars(Int32.self, n))
        case .uint64: return .uint64(try scalars(UInt64.self, n))
        case .int64: return .int64(try scalars(Int64.self, n))
        case .float32: return .float32(try scalars(UInt32.self, n).map { Float(bitPattern: $0) })
        case .float64: return .float64(try scalars(UInt64.self, n).map { Double(bitPattern: $0) })
        case .bool:
            let raw = try scalars(UInt8.self, n)
            if let bad = raw.firstIndex(where: { $0 > 1 }) {
                throw .malformed(path: path, offset: offset - n + bad, reason: "bool element of \(what) is \(raw[bad])")
            }
            return .bool(raw.map { $0 == 1 })
        case .string:
            var out = [String]()
            out.reserveCapacity(n)
            for i in 0..<n { out.append(try string("\(what)[\(i)]")) }
            return .string(out)
        case .array:
            var out = [GGUFArray]()
            for i in 0..<n { out.append(try array("\(what)[\(i)]", depth: depth + 1)) }
            return .array(out)
        }
    }

    /// `n` fixed-size values in one copy (the caller already bounded `n` by the bytes left).
    mutating func scalars<T: FixedWidthInteger>(_: T.Type, _ n: Int) throws(ModelFileError) -> [T] {
        let size = MemoryLayout<T>.size
        try need(n * size, "array of \(n) values")
        let out = [T](unsafeUninitializedCapacity: n) { buf, count in
            let src = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n * size])
            UnsafeMutableRawBufferPointer(buf).copyMemory(from: src)
            count = n
        }
        offset += n * size
        return out.map { T(littleEndian: $0) }
    }
}
