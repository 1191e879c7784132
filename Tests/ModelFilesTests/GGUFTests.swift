import Testing
import Compute
import ModelFiles
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite struct GGUFTests {
    func write(_ bytes: [UInt8], _ name: String) -> String {
        let path = temporaryPath(name)
        try! writeFileAtomically(path: path, bytes: bytes)
        return path
    }

    @Test func everyMetadataTypeRoundTrips() throws {
        var w = GGUFWriter()
        let values: [(String, GGUFValue)] = [
            ("u8", .uint8(200)), ("i8", .int8(-100)), ("u16", .uint16(60000)), ("i16", .int16(-30000)),
            ("u32", .uint32(4_000_000_000)), ("i32", .int32(-2_000_000_000)), ("f32", .float32(3.25)),
            ("bool", .bool(true)), ("str", .string("héllo 世界")), ("u64", .uint64(1 << 60)),
            ("i64", .int64(-(1 << 60))), ("f64", .float64(-2.5e300)),
            ("a.u8", .array(.uint8([1, 2, 255]))), ("a.i8", .array(.int8([-1, 0, 1]))),
            ("a.u16", .array(.uint16([1, 65535]))), ("a.i16", .array(.int16([-5]))),
            ("a.u32", .array(.uint32([7]))), ("a.i32", .array(.int32([-7, 8]))),
            ("a.f32", .array(.float32([1.5, -0.25]))), ("a.bool", .array(.bool([true, false]))),
            ("a.str", .array(.string(["a", "", "ü"]))), ("a.u64", .array(.uint64([.max]))),
            ("a.i64", .array(.int64([.min]))), ("a.f64", .array(.float64([1e-300]))),
            ("a.nested", .array(.array([.int32([1, 2]), .string(["x"])]))), ("a.empty", .array(.float32([]))),
        ]
        for (k, v) in values { w.set(k, v) }
        w.add(.init(name: "t0", shape: [4, 2], type: .f32, data: (0..<8).flatMap { i in withUnsafeBytes(of: Float(i)) { Array($0) } }))
        w.add(.init(name: "t1", shape: [32], type: .q8_0, data: [UInt8](repeating: 7, count: 34)))
        let path = write(w.serialize(), "all.gguf")
        let f = try GGUFFile(path: path)
        #expect(f.version == 3)
        #expect(f.metadataKeys == values.map(\.0))
        for (k, v) in values { #expect(f.metadata[k] == v, "\(k)") }
        #expect(f.tensors.map(\.name) == ["t0", "t1"])
        #expect(f.tensors[0].shape == [4, 2] && f.tensors[0].type == .f32 && f.tensors[0].byteCount == 32)
        #expect(f.tensors[1].type == .q8_0 && f.tensors[1].byteCount == 34)
        #expect(f.dataOffset % 32 == 0 && f.tensors.allSatisfy { $0.fileOffset % 32 == 0 })
        let p = f.data(of: f.tensors[0]).assumingMemoryBound(to: Float.self)
        #expect((0..<8).map { p[$0] } == (0..<8).map(Float.init))
        #expect(try f.int("u32") == 4_000_000_000)
        #expect(throws: ModelFileError.self) { try f.string("u32") }
        #expect(throws: ModelFileError.self) { try f.int("absent") }
        unlink(path)
    }

    @Test func customAlignmentIsHonoured() throws {
        var w = GGUFWriter()
        w.alignment = 64
        w.add(.init(name: "a", shape: [3], type: .f32, data: [UInt8](repeating: 1, count: 12)))
        w.add(.init(name: "b", shape: [5], type: .f32, data: [UInt8](repeating: 2, count: 20)))
        let path = write(w.serialize(), "align.gguf")
        let f = try GGUFFile(path: path)
        #expect(f.alignment == 64)
        #expect(f.tensors.allSatisfy { $0.fileOffset % 64 == 0 })
        #expect(f.data(of: f.tensors[1]).load(as: UInt8.self) == 2)
        unlink(path)
    }

    // MARK: bad input: one typed error naming the problem, never a crash

    func error(_ bytes: [UInt8], _ name: String = "bad.gguf") -> ModelFileError? {
        let path = write(bytes, name)
        defer { unlink(path) }
        do { _ = try GGUFFile(path: path); return nil } catch { return error }
    }

    @Test func missingFile() {
        #expect(throws: ModelFileError.cannotOpen(path: "/nonexistent/model.gguf", reason: "No such file or directory")) {
            try GGUFFile(path: "/nonexistent/model.gguf")
        }
    }

    @Test func directoryIsNotAModel() {
        #expect(throws: ModelFileError.cannotOpen(path: "/tmp", reason: "not a regular file")) { try GGUFFile(path: "/tmp") }
    }

    @Test func notGGUF() {
        let e = error(Array("PK\u{3}\u{4} this is a zip".utf8))
        guard case .notGGUF(_, let magic)? = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(magic.contains("PK"))
        #expect(e!.description.contains("not a GGUF file"))
        guard case .notGGUF? = error([]) else { Issue.record("empty file"); return }
    }

    @Test func truncatedAnywhereIsTruncatedOrOutOfBounds() {
        let full = TinyModel.llama(layers: 1).serialize()
        // Every cut inside the header and tensor table, and a sample through the data section.
        let f = try! GGUFFile(path: write(full, "full.gguf"))
        var cuts = Array(4..<f.dataOffset)
        cuts += stride(from: f.dataOffset, to: full.count, by: 997).map { $0 }
        for cut in cuts {
            let e = error(Array(full[..<cut]))
            switch e {
            case .truncated?, .tensorOutOfBounds?, .malformed?: break
            default: Issue.record("cut at \(cut): \(String(describing: e))")
            }
        }
    }

    @Test func tensorOffsetPastEnd() {
        var w = GGUFWriter()
        w.add(.init(name: "big", shape: [1024], type: .f32, data: [UInt8](repeating: 0, count: 4096)))
        var bytes = w.serialize()
        bytes.removeLast(100)
        guard case .tensorOutOfBounds(_, let name, _, _)? = error(bytes) else { Issue.record("expected out of bounds"); return }
        #expect(name == "big")
    }

    @Test func unknownTensorType() {
        var w = GGUFWriter()
        w.add(.init(name: "weird", shape: [32], type: .f32, data: [UInt8](repeating: 0, count: 128)))
        var bytes = w.serialize()
        // The type id follows the name and the one dimension; patch it to 99.
        let nameEnd = indexOf(Array("weird".utf8), in: bytes)! + 5
        let typeOffset = nameEnd + 4 + 8
        bytes[typeOffset] = 99
        guard case .unknownTensorType(_, "weird", 99)? = error(bytes) else { Issue.record("expected unknown type"); return }
    }

    @Test func unsupportedVersion() {
        var bytes = GGUFWriter().serialize()
        bytes[4] = 7
        guard case .unsupportedVersion(_, 7)? = error(bytes) else { Issue.record("expected version error"); return }
    }

    @Test func hugeCountsAreRejectedBeforeAllocating() {
        var w = GGUFWriter()
        w.set("k", .array(.int32([1, 2, 3])))
        var bytes = w.serialize()
        // Array count (u64) sits after key ("k"), value type (9), element type (5).
        let countOffset = 4 + 4 + 8 + 8 + 8 + 1 + 4 + 4
        for i in 0..<8 { bytes[countOffset + i] = 0xFF }
        guard case .malformed(_, _, let reason)? = error(bytes) else { Issue.record("expected malformed"); return }
        #expect(reason.contains("count"))
    }

    /// Thousands of random mutations of a small valid model: each parse succeeds or throws a
    /// ModelFileError; none may crash, hang or read out of bounds.
    @Test func randomMutationsNeverCrash() {
        let valid = TinyModel.llama(layers: 1, embedding: 32, ffn: 64).serialize()
        var rng = SplitMix64(seed: 42)
        var outcomes = [String: Int]()
        let path = temporaryPath("fuzz.gguf")
        for _ in 0..<3000 {
            var bytes = valid
            let edits = 1 + rng.int(8)
            for _ in 0..<edits {
                // Most edits land in the header/metadata/tensor table, where parsing happens.
                let limit = rng.int(4) == 0 ? bytes.count : min(bytes.count, 20_000)
                switch rng.int(4) {
                case 0: bytes[rng.int(limit)] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes[rng.int(limit)] ^= 1 << UInt8(rng.int(8))
                case 2: bytes.removeSubrange(rng.int(limit)...)
                default:
                    let at = rng.int(limit)
                    for i in at..<min(bytes.count, at + 8) { bytes[i] = 0xFF }
                }
                if bytes.count < 8 { break }
            }
            try! writeFileAtomically(path: path, bytes: bytes)
            do {
                let f = try GGUFFile(path: path)
                // Touch every tensor's first and last byte: in bounds by construction.
                for t in f.tensors where t.byteCount > 0 {
                    _ = f.data(of: t).load(as: UInt8.self)
                    _ = f.data(of: t).load(fromByteOffset: t.byteCount - 1, as: UInt8.self)
                }
                outcomes["ok", default: 0] += 1
            } catch {
                outcomes[String(describing: error).split(separator: ":").dropFirst().first.map(String.init) ?? "?", default: 0] += 1
            }
        }
        unlink(path)
        #expect(outcomes.values.reduce(0, +) == 3000)
        #expect(outcomes.count > 3, "mutations should reach several error kinds: \(outcomes)")
    }
}

func indexOf(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    for i in 0...(haystack.count - needle.count) where Array(haystack[i..<i + needle.count]) == needle { return i }
    return nil
}
