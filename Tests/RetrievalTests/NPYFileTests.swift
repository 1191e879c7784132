import Foundation
import Testing
import TestSupport
@testable import Retrieval

/// The `.npy` reader and writer against files numpy wrote (scripts/fixtures/npy_files.py).
@Suite struct NPYFileTests {
    static func path(_ name: String) -> String { TestEnvironment.fixturePath("retrieval/npy/" + name) }

    @Test func readsWhatNumpyWrote() throws {
        let m = try NPYFile.readFloat32(Self.path("f32_2d.npy"))
        #expect(m.rows == 3 && m.columns == 5)
        #expect(m.values == (0..<15).map { Float($0) * 0.5 - 1 })
        let v2 = try NPYFile.readFloat32(Self.path("f32_v2.npy"))
        #expect(v2.rows == 3 && v2.columns == 5 && v2.values == m.values)
        let one = try NPYFile.readFloat32(Self.path("f32_1d.npy"))
        #expect(one.rows == 4 && one.columns == 1 && one.values == [1.5, -2.25, 3e-8, 4e30])
        let three = try NPYFile.readFloat32(Self.path("f32_3d.npy"))
        #expect(three.rows == 2 && three.columns == 6 && three.values == (0..<12).map(Float.init))
        let empty = try NPYFile.readFloat32(Self.path("f32_empty.npy"))
        #expect(empty.rows == 0 && empty.columns == 4 && empty.values.isEmpty)
        let ids = try NPYFile.readInt64(Self.path("i64_ids.npy"))
        #expect(ids.rows == 3 && ids.columns == 2 && ids.values == [0, 1, 2, 3, 4, -5])
    }

    @Test func refusesOtherDtypesFortranOrderAndDamage() throws {
        #expect(throws: NPYError.self) { try NPYFile.readFloat32(Self.path("f64.npy")) }
        #expect(throws: NPYError.self) { try NPYFile.readFloat32(Self.path("f32_fortran.npy")) }
        #expect(throws: NPYError.self) { try NPYFile.readInt64(Self.path("f32_2d.npy")) }
        #expect(throws: NPYError.self) { try NPYFile.readFloat32(Self.path("missing.npy")) }
        let good = try Data(contentsOf: URL(fileURLWithPath: Self.path("f32_2d.npy")))
        let dir = temporaryPath("npy")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, bytes) in [("short", good.dropLast(4)), ("header", good.prefix(40)), ("magic", Data("hello".utf8)),
                              ("empty", Data())] {
            let p = dir + "/" + name + ".npy"
            try Data(bytes).write(to: URL(fileURLWithPath: p))
            #expect(throws: NPYError.self, "\(name)") { try NPYFile.readFloat32(p) }
        }
    }

    @Test func writesByteForByteWhatNumpyWrites() throws {
        let dir = temporaryPath("npy-write")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try NPYFile.write(NPYMatrix<Int64>(rows: 3, columns: 2, values: [0, 1, 2, 3, 4, -5]), to: dir + "/ids.npy")
        try NPYFile.write(NPYMatrix<Float>(rows: 2, columns: 3, values: [0.25, -1, 7, 1e-3, 2, -0.5]), to: dir + "/f.npy")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/ids.npy"))
                == Data(contentsOf: URL(fileURLWithPath: Self.path("i64_ids.npy"))))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/f.npy"))
                == Data(contentsOf: URL(fileURLWithPath: Self.path("f32_written.npy"))))
        #expect(throws: NPYError.self) { try NPYFile.write(NPYMatrix<Float>(rows: 2, columns: 2, values: [1]), to: dir + "/bad.npy") }
    }
}
