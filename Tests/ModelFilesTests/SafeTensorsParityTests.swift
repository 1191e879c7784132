import Foundation
import Testing
import ModelFiles
import TestSupport

/// Parity with the reference implementation, the `safetensors` package (its Rust crate), through
/// scripts/fixtures/safetensors_fixture.py in the reference venv: it writes, we read; we write,
/// `safe_open`, `safetensors.numpy.load_file` and `deserialize` read; both writers produce the
/// same bytes; and it accepts and rejects the same hand-made files as we do.
@Suite(.serialized) struct SafeTensorsParityTests {
    static let script = "scripts/fixtures/safetensors_fixture.py"
    static let needs = "needs the safetensors and numpy packages in the reference venv (Tests/requirements.txt)"

    func temporaryDirectory(_ name: String) throws -> String {
        let dir = temporaryPath(name)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func run(_ arguments: [String]) throws -> String {
        let r = try ReferencePython.run(script: Self.script, arguments, timeout: 120)
        try #require(r.status == 0, "safetensors_fixture.py \(arguments.first ?? "") failed: \(r.stdout) \(r.stderr)")
        return r.stdout
    }

    @Test(.enabled(if: ReferencePython.hasModule("safetensors.numpy"), Comment(rawValue: needs)))
    func readsWhatTheReferenceWrites() throws {
        let dir = try temporaryDirectory("st-ref")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try run(["write", dir + "/ref.safetensors", dir + "/ref.json"])
        let f = try SafeTensorsFile(path: dir + "/ref.safetensors")
        let expected = try ReferenceTensors.load(dir + "/ref.json")
        #expect(f.metadata == expected.metadata)
        #expect(Set(f.names) == Set(expected.tensors.keys))
        for (name, want) in expected.tensors {
            let t = try f.tensor(name)
            #expect(t.dtype.rawValue == want.dtype && t.shape == want.shape && Array(f.data(of: t)) == want.bytes, "\(name)")
            try expected.expectValues(name, in: f, t)
        }
    }

    /// With one metadata key (the crate orders several by a hash map) the two writers agree byte for byte.
    @Test(.enabled(if: ReferencePython.hasModule("safetensors.numpy"), Comment(rawValue: needs)))
    func writesTheSameBytesAsTheReference() throws {
        let dir = try temporaryDirectory("st-bytes")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try run(["write", dir + "/ref.safetensors", dir + "/ref.json", "--one-metadata-key"])
        let reference = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/ref.safetensors")))
        let ours = try ReferenceTensors.load(dir + "/ref.json").writer().serialize()
        #expect(ours == reference)
    }

    @Test(.enabled(if: ReferencePython.hasModule("safetensors.numpy"), Comment(rawValue: needs)),
          arguments: ["all dtypes", "numpy dtypes"])
    func referenceReadsWhatWeWrite(variant: String) throws {
        let dir = try temporaryDirectory("st-ours")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rng = SplitMix64(seed: 5)
        var w = SafeTensorsWriter(metadata: ["format": "pt", "tern": "naïve \"json\" \\ / \n\u{7}", "": "empty key"])
        var expected = ReferenceTensors(metadata: w.metadata, tensors: [:])
        // numpy has no bfloat16, so load_file runs only on the second variant.
        let dtypes: [SafeTensorsDType] = variant == "all dtypes"
            ? [.f64, .f32, .f16, .bf16, .i64, .i32, .i16, .i8, .u8, .bool, .u16, .u32, .u64]
            : [.f64, .f32, .f16, .i64, .i32, .i16, .i8, .u8, .bool]
        for (i, dtype) in dtypes.enumerated() {
            let shape = [[3], [2, 3], [1, 2, 2], [], [0, 5]][i % 5]
            let count = shape.reduce(1, *)
            let bytes = (0..<dtype.byteCount(elements: count)!).map { _ in
                dtype == .bool ? UInt8(rng.next() & 1) : UInt8(truncatingIfNeeded: rng.next())
            }
            let name = "layer.\(i).\(dtype.rawValue.lowercased())" + (i == 3 ? ".ünï" : "")
            try w.add(name, dtype: dtype, shape: shape, bytes: bytes)
            expected.tensors[name] = .init(dtype: dtype.rawValue, shape: shape, bytes: bytes)
        }
        // Floats converted by the writer: the reference must see the same bits our reader does.
        let floatTypes: [SafeTensorsDType] = variant == "all dtypes" ? [.f32, .f16, .bf16, .f64] : [.f32, .f16, .f64]
        for dtype in floatTypes {
            let xs = (0..<37).map { Float($0) * 0.731 - 9 }
            try w.add("converted.\(dtype)", shape: [37], floats: xs, as: dtype)
        }
        let path = dir + "/ours.safetensors"
        try w.write(to: path)
        let f = try SafeTensorsFile(path: path)
        for dtype in floatTypes {
            let name = "converted.\(dtype)"
            expected.tensors[name] = .init(dtype: dtype.rawValue, shape: [37], bytes: Array(try f.data(name)))
        }
        try expected.save(dir + "/ours.json")
        let out = try run(["check", path, dir + "/ours.json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        print("[safetensors-parity] \(variant): \(report["checked"] ?? "?") tensors checked by safetensors \(report["safetensors_version"] ?? "?")")
        #expect(report["checked"] as? Int == expected.tensors.count)
        #expect((report["problems"] as? [String]) == [], "\(report["problems"] ?? "")")
    }

    @Test(.enabled(if: ReferencePython.hasModule("safetensors.numpy"), Comment(rawValue: needs)))
    func referenceAgreesOnCraftedFiles() throws {
        let dir = try temporaryDirectory("st-crafted")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var paths = [String: CraftedSafeTensors]()
        for (i, c) in CraftedSafeTensors.all.enumerated() {
            let path = dir + "/case\(i).safetensors"
            writeScratch(path, c.bytes)
            paths[path] = c
        }
        let out = try run(["verdicts"] + paths.keys.sorted())
        let verdicts = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        for (path, c) in paths {
            let message = verdicts[path] as? String
            #expect((message == nil) == c.crateAccepts, "\(c.name): the crate says \(message ?? "valid")")
        }
    }
}
