import Foundation
import Testing
import ModelFiles
import TestSupport

/// A hand-made file and what reading it must give: success, or an error of kind `error` whose
/// message contains `mentions`. `crateAccepts` is the reference crate's verdict (checked by
/// SafeTensorsParityTests), which differs from ours only where the format's README is stricter
/// than the crate: duplicate keys.
struct CraftedSafeTensors: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let error: String?
    let mentions: [String]
    let crateAccepts: Bool

    var testDescription: String { name }

    static let f32x2 = #""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
    static let zeros8 = [UInt8](repeating: 0, count: 8)

    static func valid(_ name: String, _ bytes: [UInt8]) -> Self {
        .init(name: name, bytes: bytes, error: nil, mentions: [], crateAccepts: true)
    }
    static func invalid(_ name: String, _ bytes: [UInt8], _ error: String, _ mentions: String..., crateAccepts: Bool = false) -> Self {
        .init(name: name, bytes: bytes, error: error, mentions: mentions, crateAccepts: crateAccepts)
    }
    static func header(_ json: String, _ data: [UInt8] = zeros8) -> [UInt8] { safeTensorsBytes(json, data) }
    static func tensors(_ entries: String, _ data: [UInt8]) -> [UInt8] { safeTensorsBytes("{" + entries + "}", data) }

    static let all: [Self] = [
        // What the crate accepts, we accept.
        valid("plain", header("{\(f32x2)}")),
        valid("leading whitespace", header(" \n{\(f32x2)}")),
        valid("tab and newline padding", safeTensorsBytes("{\(f32x2)}\t\n\r ", zeros8, pad: false)),
        valid("header length not a multiple of 8", safeTensorsBytes("{\(f32x2)}", zeros8, pad: false)),
        valid("unknown tensor fields ignored", header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":[1,{"y":null}]}}"#)),
        valid("metadata only", header(#"{"__metadata__":{"k":"v"}}"#, [])),
        valid("empty header", le(UInt64(2)) + Array("{}".utf8)),
        valid("unaligned offsets", tensors(#""a":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},"b":{"dtype":"F32","shape":[1],"data_offsets":[3,7]}"#, [UInt8](repeating: 0, count: 7))),
        valid("escapes and surrogate pairs", header(#"{"__metadata__":{"k\u00e9\ud83d\ude00":"\"\\\/\b\f\n\r\t"},"#.appending(f32x2 + "}"))),
        valid("empty tensors share an offset", tensors(#""e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"f":{"dtype":"I8","shape":[5,0],"data_offsets":[0,0]},"#.appending(f32x2), zeros8)),
        valid("U16 and F8 dtypes", tensors(#""u":{"dtype":"U16","shape":[2],"data_offsets":[0,4]},"f":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[4,8]}"#, zeros8)),

        // The file's framing.
        invalid("shorter than 8 bytes", [1, 0, 0], "headerTooSmall", "3 bytes"),
        invalid("header over 100 MB", le(UInt64(100_000_001)) + Array("{}".utf8), "headerTooLarge", "100000001"),
        invalid("header length past the end", le(UInt64(100)) + Array("{}".utf8), "headerBeyondFile", "100 bytes", "(10 bytes)"),
        invalid("header length near 2^64", le(UInt64.max) + Array("{}".utf8), "headerTooLarge", "18446744073709551615"),
        invalid("truncated data", header("{\(f32x2)}", [0, 0, 0, 0, 0, 0, 0]), "truncated", "describes"),
        invalid("bytes after the last tensor", header("{\(f32x2)}", zeros8 + [0]), "trailingBytes", "1 bytes after the last tensor"),

        // The JSON.
        invalid("invalid UTF-8", header("{\"__metadata__\":{\"k\":\"\u{FFFD}\"}}", []).map { $0 == 0xEF ? 0xFF : $0 }, "invalidHeader", "invalid UTF-8", "at byte 30"),
        invalid("unterminated JSON", header(#"{"a":"#), "invalidHeader", "unexpected end of the JSON"),
        invalid("garbage after the JSON", header("{}x", []), "invalidHeader", "'x' after the JSON value"),
        invalid("NUL padding", le(UInt64(8)) + Array("{}".utf8) + [0, 0, 0, 0, 0, 0], "invalidHeader", "byte 0x0"),
        invalid("not an object", header("[]", []), "invalidHeader", "must be a JSON object, found an array"),
        invalid("lone surrogate", header(#"{"__metadata__":{"k":"\ud800"}}"#, []), "invalidHeader", "unpaired surrogate"),
        invalid("raw control character", header("{\"__metadata__\":{\"k\":\"a\u{1}\"}}", []), "invalidHeader", "control character"),
        invalid("deep nesting", header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":"# + String(repeating: "[", count: 200)
                                      + String(repeating: "]", count: 200) + "}}"), "invalidHeader", "nested more than 128"),

        // Tensor entries.
        invalid("tensor entry not an object", header(#"{"a":5}"#, []), "invalidHeader", "'a'", "found an integer"),
        invalid("missing data_offsets", header(#"{"a":{"dtype":"F32","shape":[2]}}"#), "invalidHeader", "'a'", "no 'data_offsets'"),
        invalid("dtype not a string", header(#"{"a":{"dtype":1,"shape":[2],"data_offsets":[0,8]}}"#), "invalidHeader", "dtype of tensor 'a'"),
        invalid("unknown dtype", header(#"{"a":{"dtype":"Q4_0","shape":[2],"data_offsets":[0,8]}}"#), "unknownDType", "'a'", "\"Q4_0\""),
        invalid("lower-case dtype", header(#"{"a":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}}"#), "unknownDType", "\"f32\""),
        invalid("fractional shape", header(#"{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#), "invalidHeader", "shape of tensor 'a'"),
        invalid("negative shape", header(#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#), "invalidHeader", "non-negative"),
        invalid("shape past 2^64", header(#"{"a":{"dtype":"U8","shape":[18446744073709551616],"data_offsets":[0,8]}}"#), "invalidHeader", "shape of tensor 'a'"),
        invalid("three data_offsets", header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}}"#), "invalidHeader", "found 3 values"),
        invalid("field twice", header(#"{"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#), "invalidHeader", "two 'dtype' fields"),

        // Names and metadata.
        invalid("duplicate tensor name", header("{\(f32x2),\(f32x2)}"), "duplicateName", "'a'", crateAccepts: true),
        invalid("duplicate metadata key", header(#"{"__metadata__":{"k":"a","k":"b"}}"#, []), "duplicateName", "__metadata__.k", crateAccepts: true),
        invalid("metadata twice", header(#"{"__metadata__":{},"__metadata__":{}}"#, []), "duplicateName", "'__metadata__'"),
        invalid("metadata value not a string", header(#"{"__metadata__":{"k":1}}"#, []), "invalidHeader", "value of 'k' must be a string"),
        invalid("metadata not an object", header(#"{"__metadata__":"v"}"#, []), "invalidHeader", "__metadata__ must be an object"),

        // Offsets and sizes: the tensors must tile the data buffer exactly.
        invalid("end before begin", header(#"{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}"#, [0, 0, 0, 0]), "invalidOffsets", "'a'", "[4, 0]", "end is before begin"),
        invalid("gap before the first tensor", header(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#), "invalidOffsets", "'a'", "bytes 0..<4", "gap"),
        invalid("gap between tensors", tensors(#""a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}"#,
                                               [UInt8](repeating: 0, count: 12)), "invalidOffsets", "'b'", "after tensor 'a'", "gap"),
        invalid("overlap", tensors(#""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}"#, zeros8),
                "invalidOffsets", "'b'", "overlaps tensor 'a'"),
        invalid("size not shape times dtype", header(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#), "sizeMismatch", "'a'", "needs 12 bytes", "span 8"),
        invalid("element count overflow", header(#"{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#), "invalidTensorInfo", "'a'", "too many"),
        invalid("byte count overflow", header(#"{"a":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]}}"#), "invalidTensorInfo", "too many bytes"),
        invalid("sub-byte elements off a byte", header(#"{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}"#, [0, 0]), "invalidTensorInfo", "byte boundary"),
        invalid("offset near 2^63", header(#"{"a":{"dtype":"U8","shape":[0],"data_offsets":[9223372036854775807,9223372036854775807]}}"#, []), "invalidOffsets", "gap"),
    ]
}

@Suite struct SafeTensorsValidationTests {
    @Test(arguments: CraftedSafeTensors.all)
    func craftedFile(_ c: CraftedSafeTensors) throws {
        let path = writeTemporary(c.bytes, "crafted.safetensors")
        defer { unlink(path) }
        let error = catching { _ = try SafeTensorsFile(path: path) }
        guard let kind = c.error else {
            #expect(error == nil, "\(c.name): \(error.map(String.init(describing:)) ?? "")")
            return
        }
        let e = try #require(error, "\(c.name) was accepted")
        #expect(e.kind == kind, "\(c.name): \(e)")
        #expect(e.description.hasPrefix(path + ": "), "\(e)")
        for m in c.mentions { #expect(e.description.contains(m), "\(c.name): '\(m)' not in: \(e)") }
    }

    @Test func missingFileAndDirectory() {
        #expect(throws: SafeTensorsError.cannotOpen(path: "/nonexistent/x.safetensors", reason: "No such file or directory")) {
            try SafeTensorsFile(path: "/nonexistent/x.safetensors")
        }
        #expect(throws: SafeTensorsError.cannotOpen(path: "/tmp", reason: "not a regular file")) { try SafeTensorsFile(path: "/tmp") }
    }

    /// Every cut of a valid file is an error (a safetensors file has no valid prefix), never a crash.
    @Test func everyTruncationIsAnError() throws {
        let full = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestEnvironment.fixturePath("safetensors/mixed.safetensors"))))
        let path = temporaryPath("cut.safetensors")
        defer { unlink(path) }
        var kinds = Set<String>()
        for cut in 0..<full.count {
            writeScratch(path, Array(full[..<cut]))
            guard let e = catching({ _ = try SafeTensorsFile(path: path) }) else { Issue.record("cut at \(cut) accepted"); continue }
            kinds.insert(e.kind)
        }
        #expect(kinds == ["headerTooSmall", "headerBeyondFile", "truncated"])
    }

    /// Random mutations of a valid file: each read succeeds or throws SafeTensorsError; none may
    /// crash, hang or touch memory outside the mapping.
    @Test func randomMutationsNeverCrash() throws {
        let valid = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestEnvironment.fixturePath("safetensors/mixed.safetensors"))))
        var rng = SplitMix64(seed: 11)
        var outcomes = [String: Int]()
        let path = temporaryPath("fuzz.safetensors")
        defer { unlink(path) }
        let headerEnd = 8 + Int(valid[0]) + Int(valid[1]) << 8
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0..<(1 + rng.int(4)) where bytes.count > 8 {
                let at = rng.int(min(bytes.count, rng.int(5) == 0 ? bytes.count : headerEnd))
                switch rng.int(5) {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes[at] ^= 1 << UInt8(rng.int(8))
                case 2: bytes[at] = Array("0123456789,:{}[]\"".utf8)[rng.int(17)]
                case 3: bytes.removeSubrange(at..<min(bytes.count, at + 1 + rng.int(4)))
                default: bytes.insert(contentsOf: Array(" 9\"".utf8).shuffled(using: &rng).prefix(1 + rng.int(2)), at: at)
                }
            }
            writeScratch(path, bytes)
            do {
                let f = try SafeTensorsFile(path: path)
                for t in f.tensors {
                    let d = f.data(of: t)
                    if let first = d.first, let last = d.last { _ = first &+ last }
                    if t.dtype.isConvertibleToFloat { _ = try f.floats(of: t) }
                }
                outcomes["ok", default: 0] += 1
            } catch {
                outcomes[error.kind, default: 0] += 1
            }
        }
        #expect(outcomes.values.reduce(0, +) == 3000)
        #expect(outcomes.count >= 6, "mutations should reach several outcomes: \(outcomes)")
    }
}

extension SafeTensorsError {
    /// The case name, for comparing kinds without payloads.
    var kind: String { Mirror(reflecting: self).children.first?.label ?? "?" }
}
