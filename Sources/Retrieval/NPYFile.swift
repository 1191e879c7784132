import Foundation
import ModelFiles

/// A C-order matrix read from or written to a NumPy `.npy` file (format versions 1–3): the
/// exchange format of the vector benchmarks (`tern bench hnsw`, `tern embed --output`).
public struct NPYMatrix<Element: Sendable>: Sendable {
    /// Rows (the first dimension; 1 for a 0-d file).
    public var rows: Int
    /// Values per row (the product of the other dimensions; a 1-D file is one value per row).
    public var columns: Int
    /// `rows × columns` values, row-major.
    public var values: [Element]
    /// A matrix (`values.count` must be `rows × columns`).
    public init(rows: Int, columns: Int, values: [Element]) {
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// The first `n` rows (all of them when `n` is 0 or at least `rows`).
    public func firstRows(_ n: Int) -> NPYMatrix {
        n > 0 && n < rows ? NPYMatrix(rows: n, columns: columns, values: Array(values.prefix(n * columns))) : self
    }
}

/// Why an `.npy` file could not be read or written.
public struct NPYError: Error, CustomStringConvertible, Equatable {
    /// The file.
    public var path: String
    /// What was wrong.
    public var reason: String
    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}

/// Reads and writes `.npy` files: little-endian float32 / int64, C order.
public enum NPYFile {
    /// Reads a float32 (`<f4`) C-order array of any rank as a matrix (first dimension = rows).
    public static func readFloat32(_ path: String) throws(NPYError) -> NPYMatrix<Float> {
        let (shape, body) = try read(path, descr: "<f4")
        return NPYMatrix(rows: shape.first ?? 1, columns: shape.dropFirst().reduce(1, *),
                         values: body.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) })
    }

    /// Reads an int64 (`<i8`) C-order array as a matrix.
    public static func readInt64(_ path: String) throws(NPYError) -> NPYMatrix<Int64> {
        let (shape, body) = try read(path, descr: "<i8")
        return NPYMatrix(rows: shape.first ?? 1, columns: shape.dropFirst().reduce(1, *),
                         values: body.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) })
    }

    /// Writes `matrix` as a 2-D `<f4` array (byte for byte what `numpy.save` writes).
    public static func write(_ matrix: NPYMatrix<Float>, to path: String) throws(NPYError) {
        try write(descr: "<f4", rows: matrix.rows, columns: matrix.columns, path: path,
                  body: matrix.values.withUnsafeBytes { Data($0) })
    }

    /// Writes `matrix` as a 2-D `<i8` array.
    public static func write(_ matrix: NPYMatrix<Int64>, to path: String) throws(NPYError) {
        try write(descr: "<i8", rows: matrix.rows, columns: matrix.columns, path: path,
                  body: matrix.values.withUnsafeBytes { Data($0) })
    }

    /// The shape and the raw body of an `.npy` file whose dtype is `descr`, after every check.
    static func read(_ path: String, descr: String) throws(NPYError) -> (shape: [Int], body: Data) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw NPYError(path: path, reason: "cannot read (\(error.localizedDescription))")
        }
        let lead = [UInt8](data.prefix(12))
        guard lead.count >= 10, lead[0..<6] == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] else {
            throw NPYError(path: path, reason: "not an .npy file (no \\x93NUMPY magic)")
        }
        let wide = lead[6] >= 2
        guard !wide || lead.count == 12 else { throw NPYError(path: path, reason: "truncated header") }
        let length = wide ? Int(lead[8]) | Int(lead[9]) << 8 | Int(lead[10]) << 16 | Int(lead[11]) << 24
            : Int(lead[8]) | Int(lead[9]) << 8
        let start = wide ? 12 : 10
        guard data.count >= start + length else { throw NPYError(path: path, reason: "header runs past the end of the file") }
        let header = String(decoding: data[(data.startIndex + start)..<(data.startIndex + start + length)], as: UTF8.self)
        guard let found = field("descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")),
              found == descr else {
            throw NPYError(path: path, reason: "dtype \(field("descr", in: header) ?? "?") is not \(descr)")
        }
        guard field("fortran_order", in: header) == "False" else { throw NPYError(path: path, reason: "Fortran order is not supported") }
        guard let shape = parseShape(header) else { throw NPYError(path: path, reason: "unreadable shape in header \(header)") }
        let size = descr == "<f4" ? 4 : 8
        let bytes = shape.reduce((size, false)) { acc, n in
            let (p, o) = acc.0.multipliedReportingOverflow(by: n)
            return (p, acc.1 || o || n < 0)
        }
        let count = bytes.0 / size
        let body = data[(data.startIndex + start + length)...]
        guard !bytes.1, body.count == bytes.0 else {
            throw NPYError(path: path, reason: "shape \(shape) needs \(count) values, the body has \(body.count) bytes")
        }
        return (shape, Data(body))
    }

    /// The text of `key`'s value in the header dictionary (up to the next `,` outside parentheses).
    static func field(_ key: String, in header: String) -> String? {
        guard let k = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\""),
              let colon = header[k.upperBound...].firstIndex(of: ":") else { return nil }
        var depth = 0, out = ""
        for c in header[header.index(after: colon)...] {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if (c == "," && depth == 0) || c == "}" { break }
            out.append(c)
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    static func parseShape(_ header: String) -> [Int]? {
        guard let text = field("shape", in: header), text.hasPrefix("("), text.hasSuffix(")") else { return nil }
        let parts = text.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var shape = [Int]()
        for p in parts where !p.isEmpty {
            guard let n = Int(p.hasSuffix("L") ? String(p.dropLast()) : p) else { return nil }
            shape.append(n)
        }
        return shape
    }

    static func write(descr: String, rows: Int, columns: Int, path: String, body: Data) throws(NPYError) {
        guard rows * columns * 4 * (descr == "<f4" ? 1 : 2) == body.count else {
            throw NPYError(path: path, reason: "\(rows) × \(columns) does not match \(body.count) bytes of values")
        }
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        out.append(contentsOf: Array(header.utf8))
        out.append(body)
        // Under a temporary name, then renamed: a kill never leaves a half-written array.
        do { try writeFileAtomically(path: path, bytes: [UInt8](out)) } catch {
            throw NPYError(path: path, reason: "cannot write (\(error))")
        }
    }
}
