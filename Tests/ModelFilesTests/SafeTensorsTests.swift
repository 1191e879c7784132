import Foundation
import Synchronization
import Testing
import Compute
import ModelFiles
import TestSupport

/// Round trips through SafeTensorsWriter and SafeTensorsFile, the writer's layout, and the
/// committed reference file (Tests/Fixtures/safetensors, made by scripts/fixtures/safetensors_fixture.py).
@Suite struct SafeTensorsTests {
    @Test func everyDTypeRoundTrips() throws {
        var rng = SplitMix64(seed: 7)
        var w = SafeTensorsWriter(metadata: ["format": "pt", "ünï": "\"q\"\n\u{1}"])
        var expected = [String: (SafeTensorsDType, [Int], [UInt8])]()
        for (i, dtype) in SafeTensorsDType.allCases.enumerated() {
            let shape = [2, 4]  // 8 elements: whole bytes for every width, F4 and F6 included
            let bytes = (0..<dtype.byteCount(elements: 8)!).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let name = "t\(i).\(dtype)"
            try w.add(name, dtype: dtype, shape: shape, bytes: bytes)
            expected[name] = (dtype, shape, bytes)
        }
        let path = temporaryPath("all.safetensors")
        defer { unlink(path) }
        try w.write(to: path)
        let f = try SafeTensorsFile(path: path)
        #expect(f.metadata == ["format": "pt", "ünï": "\"q\"\n\u{1}"])
        #expect(f.tensors.count == SafeTensorsDType.allCases.count)
        #expect(f.names == w.names)
        #expect(f.headerLength % 8 == 0 && f.dataOffset == 8 + f.headerLength)
        for t in f.tensors {
            let (dtype, shape, bytes) = try #require(expected[t.name])
            #expect(t.dtype == dtype && t.shape == shape && t.byteCount == bytes.count, "\(t.name)")
            #expect(Array(f.data(of: t)) == bytes, "\(t.name)")
            #expect(t.fileOffset == f.dataOffset + t.dataOffsets.lowerBound)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(try w.serialize()))
    }

    @Test(arguments: [SafeTensorsDType.f32, .f16, .bf16, .f64])
    func floatsConvertAsHalfDoes(dtype: SafeTensorsDType) throws {
        // Special values, then enough values for the SIMD body, an odd tail and two write chunks.
        var rng = SplitMix64(seed: 3)
        var xs: [Float] = [0, -0, 1, -1, .infinity, -.infinity, .nan, 65504, 65520, 1e-8, -3.4e38, .leastNonzeroMagnitude]
        xs += (0..<70_001).map { _ in Float(Int64(bitPattern: rng.next() % 2_000_001) - 1_000_000) / 997 }
        var w = SafeTensorsWriter()
        try w.add("x", shape: [xs.count], floats: xs, as: dtype)
        let path = temporaryPath("floats.safetensors")
        defer { unlink(path) }
        try w.write(to: path)
        let got = try SafeTensorsFile(path: path).floats("x")
        let want: [Float] = xs.map { x in
            switch dtype {
            case .f16: return Half.f16ToFloat(Half.floatToF16(x))
            case .bf16: return Half.bf16ToFloat(Half.floatToBF16(x))
            default: return x
            }
        }
        #expect(got.count == want.count)
        let mismatches = zip(got, want).filter { $0.bitPattern != $1.bitPattern && !($0.isNaN && $1.isNaN) }.count
        #expect(mismatches == 0)
    }

    /// The format does not align tensors; a U8 first puts everything after it at odd offsets.
    @Test func unalignedTensorsRead() throws {
        var data: [UInt8] = [9]
        data += [1.5, -2, 3].flatMap { le(Half.floatToF16($0)) }
        data += [0.5, -8].flatMap { le(Half.floatToBF16($0)) }
        data += [Float(1.25), -7].flatMap { le($0.bitPattern) }
        data += le(Double(-0.1).bitPattern)
        let json = """
        {"u":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"h":{"dtype":"F16","shape":[3],"data_offsets":[1,7]},\
        "b":{"dtype":"BF16","shape":[2],"data_offsets":[7,11]},"f":{"dtype":"F32","shape":[2],"data_offsets":[11,19]},\
        "d":{"dtype":"F64","shape":[1],"data_offsets":[19,27]}}
        """
        let path = temporaryPath("unaligned.safetensors")
        defer { unlink(path) }
        writeScratch(path, safeTensorsBytes(json, data))
        let f = try SafeTensorsFile(path: path)
        #expect(f.names == ["u", "h", "b", "f", "d"])
        #expect(try f.floats("h") == [1.5, -2, 3])
        #expect(try f.floats("b") == [0.5, -8])
        #expect(try f.floats("f") == [1.25, -7])
        #expect(try f.floats("d") == [Float(-0.1)])
        #expect(throws: SafeTensorsError.notFloatingPoint(path: path, tensor: "u", dtype: .u8)) { try f.floats("u") }
        #expect(throws: SafeTensorsError.missingTensor(path: path, tensor: "nope")) { try f.floats("nope") }
    }

    @Test func scalarsEmptyTensorsAndEmptyFiles() throws {
        var w = SafeTensorsWriter()
        try w.add("s", shape: [], floats: [4.5])
        try w.add("e", shape: [0, 3], floats: [], as: .bf16)
        try w.add("z", dtype: .i32, shape: [3, 0], bytes: [])
        let path = writeTemporary(try w.serialize(), "scalar.safetensors")
        defer { unlink(path) }
        let f = try SafeTensorsFile(path: path)
        #expect(try f.tensor("s").shape == [] && f.floats("s") == [4.5])
        #expect(try f.tensor("e").shape == [0, 3] && f.floats("e") == [])
        #expect(try f.data("z").count == 0)
        let empty = try SafeTensorsWriter().serialize()
        #expect(empty == le(UInt64(8)) + Array("{}      ".utf8))
        let emptyPath = writeTemporary(empty, "empty.safetensors")
        defer { unlink(emptyPath) }
        #expect(try SafeTensorsFile(path: emptyPath).tensors.isEmpty)
    }

    /// The crate's layout: dtype alignment descending, then name; metadata first; spaces to 8.
    @Test func writerLaysOutAsTheReferenceCrate() throws {
        var w = SafeTensorsWriter(metadata: ["b": "2", "a": "1"])
        try w.add("b.u8", dtype: .u8, shape: [3], bytes: [1, 2, 3])
        try w.add("a.f16", shape: [1], floats: [1], as: .f16)
        try w.add("z.f32", shape: [1], floats: [1])
        try w.add("a.f32", shape: [1], floats: [2])
        try w.add("a.bool", dtype: .bool, shape: [1], bytes: [1])
        try w.add("Z.i64", dtype: .i64, shape: [1], bytes: [UInt8](repeating: 0, count: 8))
        #expect(w.names == ["Z.i64", "a.f32", "z.f32", "a.f16", "b.u8", "a.bool"])
        let bytes = try w.serialize()
        let n = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let header = String(decoding: bytes[8..<8 + n], as: UTF8.self)
        #expect(n % 8 == 0)
        #expect(header.hasPrefix(#"{"__metadata__":{"a":"1","b":"2"},"Z.i64":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"#))
        #expect(header.trimmingCharacters(in: .init(charactersIn: " ")).hasSuffix(#""a.bool":{"dtype":"BOOL","shape":[1],"data_offsets":[21,22]}}"#))
        #expect(bytes.count == 8 + n + 22)
    }

    @Test func writerRejectsInconsistentTensors() throws {
        var w = SafeTensorsWriter()
        try w.add("a", shape: [2], floats: [1, 2])
        func reason(_ body: (inout SafeTensorsWriter) throws -> Void) -> String? {
            guard let e = catching({ try body(&w) }) else { return nil }
            guard case .invalidTensor(_, let r) = e else { return "wrong error \(e)" }
            return r
        }
        #expect(reason { try $0.add("a", shape: [1], floats: [1]) } == "added twice")
        #expect(reason { try $0.add("__metadata__", shape: [1], floats: [1]) }?.contains("reserved") == true)
        #expect(reason { try $0.add("b", shape: [3], floats: [1, 2]) } == "shape [3] holds 3 values, got 2")
        #expect(reason { try $0.add("b", dtype: .f32, shape: [2], bytes: [0, 0, 0]) } == "F32 [2] needs 8 bytes, got 3")
        #expect(reason { try $0.add("b", shape: [1], floats: [1], as: .i32) }?.contains("not I32") == true)
        #expect(reason { try $0.add("b", dtype: .u8, shape: [-1], bytes: []) }?.contains("negative") == true)
        #expect(reason { try $0.add("b", dtype: .f4, shape: [3], bytes: [0, 0]) }?.contains("byte boundary") == true)
        #expect(reason { try $0.add("b", dtype: .u8, shape: [1 << 40, 1 << 40], bytes: []) }?.contains("too many") == true)
        #expect(w.names == ["a"])
    }

    /// While a large file replaces a small one, the destination is at every moment the whole old
    /// file or the whole new one; no temporary file is left behind.
    @Test func writeReplacesAtomically() throws {
        let dir = temporaryPath("atomic")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/model.safetensors"
        var small = SafeTensorsWriter()
        try small.add("w", shape: [4], floats: [1, 2, 3, 4])
        try small.write(to: path)
        let oldSize = try small.serialize().count
        var building = SafeTensorsWriter()
        for i in 0..<8 { try building.add("w\(i)", shape: [1 << 20], floats: [Float](repeating: Float(i), count: 1 << 20), as: .bf16) }
        let big = building
        let newSize = try big.serialize().count

        let done = DispatchGroup()
        let failure = LockedBox<String?>(nil)
        done.enter()
        DispatchQueue.global().async {
            do { try big.write(to: path) } catch { failure.set("\(error)") }
            done.leave()
        }
        var observed = [Int: Int]()
        repeat {
            let f = try SafeTensorsFile(path: path)  // throws on any partial file
            observed[f.file.bytes.count, default: 0] += 1
        } while done.wait(timeout: .now()) == .timedOut
        #expect(failure.get() == nil)
        #expect(Set(observed.keys).isSubset(of: [oldSize, newSize]), "\(observed)")
        #expect(try SafeTensorsFile(path: path).tensors.count == 8)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["model.safetensors"])

        // A failed write (the destination is a directory) removes its temporary file.
        try FileManager.default.createDirectory(atPath: dir + "/sub.safetensors", withIntermediateDirectories: false)
        #expect(throws: SafeTensorsError.self) { try small.write(to: dir + "/sub.safetensors") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["model.safetensors", "sub.safetensors"])
        guard case .writeFailed? = catching({ try small.write(to: dir + "/missing/x.safetensors") }) else {
            Issue.record("expected writeFailed for a missing directory"); return
        }
    }

    // MARK: the reference file, without Python

    @Test func readsTheReferenceFixture() throws {
        let f = try SafeTensorsFile(path: TestEnvironment.fixturePath("safetensors/mixed.safetensors"))
        let expected = try ReferenceTensors.load(TestEnvironment.fixturePath("safetensors/mixed.json"))
        #expect(f.metadata == expected.metadata)
        #expect(Set(f.names) == Set(expected.tensors.keys))
        for (name, want) in expected.tensors {
            let t = try f.tensor(name)
            #expect(t.dtype.rawValue == want.dtype && t.shape == want.shape, "\(name)")
            #expect(Array(f.data(of: t)) == want.bytes, "\(name)")
            try expected.expectValues(name, in: f, t)
        }
    }

    /// Our writer reproduces the reference file byte for byte, but for the order of metadata keys
    /// (a hash map's in the crate; sorted here): same header length, tensor entries and data.
    @Test func writerReproducesTheReferenceFixture() throws {
        let reference = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestEnvironment.fixturePath("safetensors/mixed.safetensors"))))
        let expected = try ReferenceTensors.load(TestEnvironment.fixturePath("safetensors/mixed.json"))
        let ours = try expected.writer().serialize()
        #expect(ours.count == reference.count)
        let metadataEnd = try #require(ReferenceTensors.endOfMetadata(in: ours))
        #expect(ReferenceTensors.endOfMetadata(in: reference) == metadataEnd)
        #expect(ours[metadataEnd...] == reference[metadataEnd...])
        #expect(ours[..<24] == reference[..<24])  // length and `{"__metadata__":`
    }
}

func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

/// A safetensors file from a header JSON (padded with spaces to 8) and a data buffer.
func safeTensorsBytes(_ json: String, _ data: [UInt8] = [], pad: Bool = true) -> [UInt8] {
    var header = Array(json.utf8)
    while pad, header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
    return le(UInt64(header.count)) + header + data
}

/// Writes `bytes` to a fresh temporary path and returns it.
func writeTemporary(_ bytes: [UInt8], _ name: String) -> String {
    let path = temporaryPath(name)
    writeScratch(path, bytes)
    return path
}

/// Writes a test's scratch file as a new file, without fsync: fsync, or rewriting a file in
/// place (which ext4 flushes on close), would make the thousands of files of a fuzz test take minutes.
func writeScratch(_ path: String, _ bytes: [UInt8]) {
    unlink(path)
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    precondition(fd >= 0, "cannot create \(path)")
    let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    precondition(written == bytes.count, "short write to \(path)")
    close(fd)
}

/// The SafeTensorsError `body` throws (any other error is a test failure), or nil.
func catching(_ body: () throws -> Void) -> SafeTensorsError? {
    do { try body(); return nil } catch let e as SafeTensorsError { return e } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

final class LockedBox<T: Sendable>: Sendable {
    private let value: Mutex<T>
    init(_ value: T) { self.value = Mutex(value) }
    func set(_ v: T) { value.withLock { $0 = v } }
    func get() -> T { value.withLock { $0 } }
}
