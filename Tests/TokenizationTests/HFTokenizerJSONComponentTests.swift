import Foundation
import Testing
@testable import Tokenization

/// Each normalizer, pre-tokenizer, BPE option, added-token flag, post-processor and decoder, in
/// small tokenizer.json files with HF's encodings of ~140 strings (Tests/Fixtures/tokenizer/
/// hf-components.json, made by scripts/fixtures/hf_tokenizer_json.py components).
@Suite struct HFTokenizerJSONComponentTests {
    struct Fixture: Decodable {
        var tokenizers: String
        var strings: [String]
        /// Model JSON text by name.
        var models: [String: String]
        var cases: [Case]
    }

    struct Case: Decodable {
        var name: String
        /// The tokenizer.json text with `"model": "@<name>"` in place of the model.
        var json: String
        /// Model fields the case overrides: [name, JSON text of the value].
        var options: [[String]]
        /// [prefix, suffix]: what adding special tokens puts around every string's ids.
        var added: [[Int]]
        var records: [Record]
    }

    /// HF's results for one string (see the script): ids, ids without matching special tokens,
    /// decoded text skipping / keeping special tokens (absent when equal to the string / to `d`).
    struct Record: Decodable {
        var ids: [Int], ns: [Int]?, d: String?, dk: String?
    }

    static let fixture: Fixture = {
        let url = TestModels.fixturesDirectory.appendingPathComponent("tokenizer/hf-components.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// A case's tokenizer.json: its model in place, the overridden fields appended to the model
    /// object (the reader takes a repeated key's last value, as HF's merged dictionary has it).
    static func text(of c: Case) throws -> String {
        let open = c.json.range(of: "\"model\": \"@")!
        let close = c.json[open.upperBound...].firstIndex(of: "\"")!
        let name = String(c.json[open.upperBound..<close])
        var model = try #require(fixture.models[name])
        model.removeLast()
        for option in c.options { model += ", \"\(option[0])\": \(option[1])" }
        return c.json.replacingCharacters(in: open.lowerBound...close, with: "\"model\": " + model + "}")
    }

    static var caseNames: [String] { fixture.cases.map(\.name) }

    @Test(arguments: caseNames)
    func matchesHuggingFace(_ name: String) throws {
        let c = try #require(Self.fixture.cases.first { $0.name == name })
        let tok = try Tokenizer(pipeline: TokenizerPipeline(json: Self.text(of: c)))
        let strings = Self.fixture.strings
        try #require(c.records.count == strings.count)
        var failures = 0
        for (t, r) in zip(strings, c.records) {
            let ids = tok.encode(t, addSpecial: false, parseSpecial: true)
            let added = tok.encode(t, addSpecial: true, parseSpecial: true)
            let plain = tok.encode(t, addSpecial: false, parseSpecial: false)
            let withSpecials = c.added[0] + r.ids + c.added[1]
            let decoded = tok.decode(withSpecials)
            let kept = tok.decode(withSpecials, renderSpecial: true)
            if ids == r.ids && added == withSpecials && plain == (r.ns ?? r.ids) && decoded == (r.d ?? t)
                && kept == (r.dk ?? r.d ?? t) {
                continue
            }
            failures += 1
            if failures <= 5 {
                Issue.record("""
                    \(name): \(t.debugDescription)
                      hf   \(r.ids) / \(r.ns ?? r.ids) / \(withSpecials)
                      tern \(ids) / \(plain) / \(added)
                      hf   \((r.d ?? t).debugDescription) / \((r.dk ?? r.d ?? t).debugDescription)
                      tern \(decoded.debugDescription) / \(kept.debugDescription)
                    """)
            }
        }
        #expect(failures == 0, "\(failures) of \(strings.count) strings differ from tokenizers \(Self.fixture.tokenizers)")
    }

    /// Every case is a different pipeline, and the fast byte-level path is among them.
    @Test func casesCoverTheComponents() throws {
        var algorithms = Set<String>()
        for c in Self.fixture.cases {
            let p = try TokenizerPipeline(json: Self.text(of: c))
            let tok = try Tokenizer(pipeline: p)
            if case .pipeline(let e) = tok.engine, case .bytes(_, let split) = e.model { algorithms.insert("bytes \(split.map(\.rawValue) ?? "steps")") }
            if case .pipeline(let e) = tok.engine, case .characters = e.model { algorithms.insert("characters") }
        }
        #expect(algorithms.isSuperset(of: ["bytes gpt2", "bytes llama3", "bytes qwen2", "bytes smollm", "bytes steps", "characters"]))
    }
}
