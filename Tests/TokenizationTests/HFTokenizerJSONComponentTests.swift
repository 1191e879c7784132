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

    /// The byte-level path (hand-scanned splits, merges over raw bytes) against its plain twin (the
    /// pre-tokenizer steps one by one, merges over the characters of the byte-level alphabet).
    @Test(arguments: caseNames)
    func bytePathEqualsItsTwin(_ name: String) throws {
        let c = try #require(Self.fixture.cases.first { $0.name == name })
        let p = try TokenizerPipeline(json: Self.text(of: c))
        let fast = try Tokenizer(pipeline: p), twin = try Tokenizer(pipeline: p, characterModel: true)
        guard case .pipeline(let e) = fast.engine, case .bytes = e.model else { return }
        var seed: UInt64 = 7
        let strings = Self.fixture.strings + (0..<300).map { _ in Self.randomText(&seed) }
        for t in strings {
            #expect(fast.encode(t, parseSpecial: true) == twin.encode(t, parseSpecial: true), "\(name): \(t.debugDescription)")
        }
    }

    /// Up to 32 random code points (any plane, surrogates skipped), from a fixed-seed generator.
    static func randomText(_ seed: inout UInt64) -> String {
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed
        }
        var out = String.UnicodeScalarView()
        for _ in 0...(next() >> 59) {
            let r = next()
            let limit: [UInt32] = [0x80, 0x800, 0x10000, 0x110000]
            if let s = Unicode.Scalar(UInt32(truncatingIfNeeded: r >> 20) % limit[Int(r >> 62)]) { out.append(s) }
        }
        return String(out)
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

extension HFTokenizerJSONComponentTests {
    /// Token pieces (what streaming and constrained decoding use) add up to `decode` for the
    /// decoders that work token by token: ByteLevel, and Replace ▁ + ByteFallback + Fuse (Gemma's),
    /// wherever the text is valid UTF-8 (ByteFallback writes one U+FFFD per invalid byte).
    @Test(arguments: caseNames)
    func piecesAddUpToDecode(_ name: String) throws {
        let c = try #require(Self.fixture.cases.first { $0.name == name })
        let p = try TokenizerPipeline(json: Self.text(of: c))
        let gemma: [DecoderStep] = [.replace("▁", content: " "), .byteFallback, .fuse]
        guard p.decoders == [.byteLevel] || p.decoders == gemma else { return }
        let tok = try Tokenizer(pipeline: p)
        for (t, r) in zip(Self.fixture.strings, c.records) {
            let ids = c.added[0] + r.ids + c.added[1]
            for render in [false, true] {
                let whole = tok.decode(ids, renderSpecial: render)
                guard !whole.unicodeScalars.contains("\u{FFFD}") else { continue }
                var stream = StreamingDetokenizer(tokenizer: tok, renderSpecial: render)
                let streamed = ids.map { stream.push($0) }.joined() + stream.flush()
                #expect(Array(streamed.utf8) == Array(whole.utf8), "\(name): \(t.debugDescription)")
            }
        }
    }
}
