import Foundation
import Testing
import ModelFiles

/// The expectations file of scripts/fixtures/safetensors_fixture.py: metadata and, per tensor,
/// dtype, shape, raw bytes (hex) and decoded values. The same schema (values optional) tells
/// the script's `check` what to find in a file Tern wrote.
struct ReferenceTensors {
    struct Tensor {
        var dtype: String
        var shape: [Int]
        var bytes: [UInt8]
        /// Doubles (non-finite as "nan", "inf", "-inf"), integers as NSNumber, or Bools.
        var values: [Any]?
    }

    var metadata: [String: String]
    var tensors: [String: Tensor]

    static func load(_ path: String) throws -> ReferenceTensors {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        let top = try #require(object as? [String: Any])
        let meta = try #require(top["metadata"] as? [String: String])
        var tensors = [String: Tensor]()
        for (name, value) in try #require(top["tensors"] as? [String: Any]) {
            let t = try #require(value as? [String: Any])
            tensors[name] = Tensor(dtype: try #require(t["dtype"] as? String), shape: try #require(t["shape"] as? [Int]),
                                   bytes: try hexBytes(try #require(t["hex"] as? String)), values: t["values"] as? [Any])
        }
        return ReferenceTensors(metadata: meta, tensors: tensors)
    }

    /// Writes the schema for the script's `check` (no values).
    func save(_ path: String) throws {
        var tensorObjects = [String: Any]()
        for (name, t) in tensors {
            tensorObjects[name] = ["dtype": t.dtype, "shape": t.shape, "hex": t.bytes.map { String(format: "%02x", $0) }.joined()]
        }
        let data = try JSONSerialization.data(withJSONObject: ["metadata": metadata, "tensors": tensorObjects])
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// A writer holding exactly these tensors (raw bytes) and metadata.
    func writer() throws -> SafeTensorsWriter {
        var w = SafeTensorsWriter(metadata: metadata)
        for (name, t) in tensors {
            try w.add(name, dtype: try #require(SafeTensorsDType(rawValue: t.dtype)), shape: t.shape, bytes: t.bytes)
        }
        return w
    }

    /// The file offset just past the `__metadata__` object (`{"__metadata__":{…}` + 1), the only
    /// part of a header whose order differs between writers.
    static func endOfMetadata(in file: [UInt8]) -> Int? {
        let prefix = Array(#"{"__metadata__":{"#.utf8)
        guard file.count > 8 + prefix.count, Array(file[8..<8 + prefix.count]) == prefix else { return nil }
        var i = 8 + prefix.count
        var inString = false
        while i < file.count {
            switch file[i] {
            case UInt8(ascii: "\\") where inString: i += 1
            case UInt8(ascii: "\""): inString.toggle()
            case UInt8(ascii: "}") where !inString: return i + 1
            default: break
            }
            i += 1
        }
        return nil
    }

    /// Checks the decoded values of `info` in `file` against the reference's.
    func expectValues(_ name: String, in file: SafeTensorsFile, _ info: SafeTensorInfo) throws {
        let want = try #require(tensors[name]?.values)
        #expect(want.count == info.elementCount, "\(name)")
        let raw = Array(file.data(of: info))
        switch info.dtype {
        case .f64, .f32, .f16, .bf16:
            let got = try file.floats(of: info)
            for (g, w) in zip(got, want) {
                let x: Double = switch w as? String {
                case "nan": .nan
                case "inf": .infinity
                case "-inf": -.infinity
                default: try #require(w as? Double)
                }
                #expect(g == Float(x) || (g.isNaN && x.isNaN), "\(name): \(g) vs \(x)")
            }
        case .bool:
            #expect(raw.map { $0 != 0 } == want.map { ($0 as? Bool) ?? false }, "\(name)")
        default:
            let width = info.dtype.bitWidth / 8
            let signed = info.dtype.rawValue.hasPrefix("I")
            for (k, w) in want.enumerated() {
                var bits: UInt64 = 0
                for b in (0..<width).reversed() { bits = bits << 8 | UInt64(raw[k * width + b]) }
                let shift = UInt64(64 - width * 8)
                let got = signed ? Int64(bitPattern: bits << shift) >> shift : Int64(bitPattern: bits)
                #expect(got == (w as? NSNumber)?.int64Value, "\(name)[\(k)]")
            }
        }
    }
}

func hexBytes(_ hex: String) throws -> [UInt8] {
    let digits = Array(hex.utf8)
    try #require(digits.count % 2 == 0)
    return try stride(from: 0, to: digits.count, by: 2).map { i in
        try #require(UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16))
    }
}
