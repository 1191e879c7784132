import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// Character references against Python's `html.unescape` (scripts/fixtures/html_unescape.py):
/// every legacy name bare / followed by letters / '=' / ';', 400 sampled names, numeric edge cases.
@Suite struct HTMLEntitiesTests {
    /// `text` with every reference decoded (text-content rules, as `html.unescape`).
    func unescape(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                if b[i] == 0x26 {
                    i = HTMLEntities.decode(b, at: i, end: b.count, inAttribute: false, into: &out)
                } else {
                    out.append(b[i]); i += 1
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func matchesPythonUnescape() throws {
        let path = TestEnvironment.fixturePath("corpus/extraction/unescape.json")
        let cases = try JSONValue.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))).array ?? []
        #expect(cases.count > 800)
        var mismatches: [String] = []
        for c in cases {
            guard let input = c["input"]?.string, let expected = c["output"]?.string else { continue }
            let got = unescape(input)
            if got != expected { mismatches.append("\(input) → \(got) (python: \(expected))") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches: \(mismatches.prefix(10))")
    }

    @Test func attributeValuesKeepLegacyNamesBeforeEqualsOrAlphanumerics() {
        let bytes = Array("&copy=1 &copyx &copy;".utf8)
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                if b[i] == 0x26 { i = HTMLEntities.decode(b, at: i, end: b.count, inAttribute: true, into: &out) }
                else { out.append(b[i]); i += 1 }
            }
        }
        #expect(String(decoding: out, as: UTF8.self) == "&copy=1 &copyx ©")
    }
}
