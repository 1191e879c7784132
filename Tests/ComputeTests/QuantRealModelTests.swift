import Foundation
import ModelFiles
import Testing
@testable import Compute
import TestSupport

/// The kernels on the real tensors of the installed GGUF models (scripts/setup-models). A model
/// that is not installed is skipped, unless TERN_REQUIRE_MODELS=1, which makes it a failure.
@Suite struct QuantRealModelTests {
    static let requireModels = ProcessInfo.processInfo.environment["TERN_REQUIRE_MODELS"] == "1"

    /// The opened model file, or nil (recording a failure when models are required).
    static func open(_ fileName: String) throws -> GGUFFile? {
        let path = ModelCatalog.modelsDirectory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else {
            if requireModels { Issue.record("model \(fileName) is not installed (TERN_REQUIRE_MODELS=1)") }
            return nil
        }
        return try GGUFFile(path: path)
    }

    /// The checksum of make_quant_fixtures.py: sum_i bits(v_i) * (i * 0x9E3779B97F4A7C15 | 1) mod 2^64.
    static func checksum(_ values: [Float]) -> UInt64 {
        var sum: UInt64 = 0
        for (i, v) in values.enumerated() {
            sum &+= UInt64(v.bitPattern) &* ((UInt64(i) &* 0x9E37_79B9_7F4A_7C15) | 1)
        }
        return sum
    }

    struct Case: Decodable {
        let model, tensor, type: String
        let rows: [Int]
        let row_length: Int
        let checksum: String
    }

    /// Rows of real tensors dequantize exactly as gguf-py does (checksums in real_tensors.json).
    @Test func dequantizationMatchesGGUFPyOnRealTensors() throws {
        struct File: Decodable { let cases: [Case] }
        let data = try Data(contentsOf: QuantFixtureTests.directory.appendingPathComponent("real_tensors.json"))
        let cases = try JSONDecoder().decode(File.self, from: data).cases
        #expect(!cases.isEmpty)
        for c in cases {
            guard let file = try Self.open(c.model) else { continue }
            let info = try file.tensor(c.tensor)
            #expect(info.type.description == c.type)
            let rowBytes = info.type.rowBytes(c.row_length)!
            var reference = [Float](), fast = [Float]()
            var row = [Float](repeating: 0, count: c.row_length)
            for r in c.rows {
                let src = file.data(of: info) + r * rowBytes
                Quant.dequantizeRowReference(info.type, src, count: c.row_length, into: &row)
                reference += row
                Quant.dequantizeRow(info.type, src, count: c.row_length, into: &row)
                fast += row
            }
            #expect(String(Self.checksum(reference)) == c.checksum, "\(c.model) \(c.tensor) reference")
            #expect(String(Self.checksum(fast)) == c.checksum, "\(c.model) \(c.tensor) fast")
        }
    }

    static let models = ModelCatalog.entries.map(\.fileName)

    /// Every matrix of every installed model: fast dequantization equals the reference bit for
    /// bit (first, middle and last rows), and the fast tile equals the reference tile.
    @Test(arguments: models)
    func everyTensorMatchesReference(_ fileName: String) throws {
        guard let file = try Self.open(fileName) else { return }
        var rng = SplitMix64(seed: 5)
        for info in file.tensors where info.shape.count == 2 && info.type != .f32 {
            let length = info.shape[0], rows = info.shape[1]
            let rowBytes = info.type.rowBytes(length)!
            var reference = [Float](repeating: 0, count: length), fast = reference
            for r in Set([0, rows / 2, rows - 1]) {
                let src = file.data(of: info) + r * rowBytes
                Quant.dequantizeRowReference(info.type, src, count: length, into: &reference)
                Quant.dequantizeRow(info.type, src, count: length, into: &fast)
                #expect(reference.map(\.bitPattern) == fast.map(\.bitPattern), "\(info.name) row \(r)")
            }
            // 5 rows x 3 activation columns of realistic size
            let x = (0..<3 * length).map { _ in Float.random(in: -1...1, using: &rng) }
            let aStride = Quant.activationRowBytes(for: info.type, count: length)!
            var acts = [UInt8](repeating: 0, count: 3 * aStride)
            for c in 0..<3 {
                x.withUnsafeBufferPointer { xp in
                    acts.withUnsafeMutableBytes { ap in
                        Quant.quantizeActivationRow(xp.baseAddress! + c * length, count: length, for: info.type,
                                                    into: ap.baseAddress! + c * aStride)
                    }
                }
            }
            let n = min(5, rows)
            var expected = [Float](repeating: 0, count: 3 * n)
            acts.withUnsafeBytes { ap in
                BlockDot.tileReference(info.type, weights: file.data(of: info), weightStride: rowBytes, rows: n,
                                       activations: ap.baseAddress!, activationStride: aStride, cols: 3,
                                       length: length, out: &expected, outStride: n)
                for backend in QuantTileTests.backends {
                    var out = [Float](repeating: .nan, count: 3 * n)
                    BlockDot.tile(info.type, weights: file.data(of: info), weightStride: rowBytes, rows: n,
                                  activations: ap.baseAddress!, activationStride: aStride, cols: 3,
                                  length: length, out: &out, outStride: n, backend: backend)
                    for i in 0..<out.count {
                        #expect(abs(out[i] - expected[i]) <= 1e-4 * max(1, abs(expected[i])),
                                "\(info.name) \(backend) [\(i)]: \(out[i]) vs \(expected[i])")
                    }
                }
            }
        }
    }
}
