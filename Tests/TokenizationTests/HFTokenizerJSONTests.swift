import Foundation
import Testing
import TestSupport
@testable import Tokenization

/// The tokenizer.json of each real model, as transformers converts its GGUF, against HF
/// `tokenizers` on ~3,400 strings (scripts/fixtures/hf_tokenizer_json.py, which makes both into
/// a cache outside the repository): ids with and without the post-processor's tokens, without
/// matching special tokens, and decoding with and without them.
///
/// Converting needs transformers and torch in the reference venv (transformers' GGUF reader imports
/// torch; CI has no torch), so this runs when they import or when the cache already holds the
/// converted files (then tokenizers alone makes the references); it is skipped otherwise, even when
/// models are required. The committed component fixture (HFTokenizerJSONComponentTests) runs everywhere.
@Suite(.serialized) struct HFTokenizerJSONTests {
    struct Header: Decodable {
        var model: String, strings: Int, tokenizers: String, transformers: String
    }

    /// One string and HF's results (see the script): ids without / with special tokens added,
    /// ids with special tokens not matched, decoded text skipping / keeping special tokens.
    struct Record: Decodable {
        var t: String, ids: [Int], a: [Int]?, ns: [Int]?, d: String?, dk: String?
    }

    static let models = ["smollm2-135m", "qwen2.5-0.5b", "qwen2.5-1.5b", "gemma3-270m"]

    /// Where the script keeps the converted files: $TERN_HOME/hf-tokenizers (TERN_HOME: ~/.cache/tern).
    static var cacheDirectory: String {
        (TestEnvironment.value("TERN_HOME") ?? ((TestEnvironment.value("HOME") ?? "") + "/.cache/tern")) + "/hf-tokenizers"
    }

    /// Whether the references can be made: transformers and torch import (never assumed), or every
    /// converted tokenizer.json is cached and tokenizers imports.
    static let available: Bool = {
        guard FileManager.default.isExecutableFile(atPath: ReferencePython.path) else { return false }
        let cached = models.allSatisfy { FileManager.default.fileExists(atPath: "\(cacheDirectory)/\($0)/tokenizer.json") }
        let module = cached ? "tokenizers" : "torch, transformers, gguf, tokenizers"
        return (try? Subprocess.run(ReferencePython.path, ["-c", "import \(module)"], timeout: 300).status) == 0
    }()

    /// The converted tokenizer.json and reference of `model`, made (or found cached) by the script.
    static func reference(_ model: String) throws -> (json: String, reference: String)? {
        let r = try ReferencePython.run(script: "scripts/fixtures/hf_tokenizer_json.py", ["real", "--model", model], timeout: 900)
        try #require(r.status == 0, "hf_tokenizer_json.py failed: \(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let entry = try #require((report["models"] as? [[String: Any]])?.first, "no entry for \(model): \(r.stderr)")
        if let error = entry["error"] { Issue.record("transformers could not convert \(model): \(error)"); return nil }
        let path = try #require(entry["reference"] as? String)
        return ((path as NSString).deletingLastPathComponent + "/tokenizer.json", path)
    }

    @Test(.enabled(if: available, "transformers and torch do not import in the reference venv, and the converted tokenizer.json files are not cached"),
          arguments: models)
    func matchesHuggingFace(model: String) throws {
        guard TestModels.enabled(model) else { return }
        guard let paths = try Self.reference(model) else { return }
        let clock = ContinuousClock()
        var tok: Tokenizer?
        let loading = try clock.measure { tok = try Tokenizer(tokenizerJSON: paths.json) }
        let tokenizer = try #require(tok)
        let (header, records) = try TestModels.jsonLines(paths.reference, Header.self, Record.self)
        #expect(records.count == header.strings && records.count > 3_000)

        // Byte-level files also run through the plain twin (steps one by one, merges over characters).
        var twin: Tokenizer?
        if case .pipeline(let e) = tokenizer.engine, case .bytes = e.model {
            twin = try Tokenizer(pipeline: TokenizerPipeline(contentsOf: paths.json), characterModel: true)
        }
        var idMismatches = 0, decodeMismatches = 0, twinMismatches = 0
        for r in records {
            if let twin, twin.encode(r.t, addSpecial: false, parseSpecial: true) != r.ids { twinMismatches += 1 }
            let ids = tokenizer.encode(r.t, addSpecial: false, parseSpecial: true)
            let added = tokenizer.encode(r.t, addSpecial: true, parseSpecial: true)
            let plain = tokenizer.encode(r.t, addSpecial: false, parseSpecial: false)
            let decoded = tokenizer.decode(r.a ?? r.ids)
            let kept = tokenizer.decode(r.a ?? r.ids, renderSpecial: true)
            let idsOK = ids == r.ids && added == (r.a ?? r.ids) && plain == (r.ns ?? r.ids)
            let decodeOK = decoded == (r.d ?? r.t) && kept == (r.dk ?? r.d ?? r.t)
            if !idsOK { idMismatches += 1 }
            if !decodeOK { decodeMismatches += 1 }
            if (!idsOK || !decodeOK) && idMismatches + decodeMismatches <= 8 {
                Issue.record("""
                    \(model): \(r.t.debugDescription)
                      hf   \(r.ids) / \(r.a ?? r.ids) / \(r.ns ?? r.ids)
                      tern \(ids) / \(added) / \(plain)
                      hf   \((r.d ?? r.t).debugDescription) / \((r.dk ?? r.d ?? r.t).debugDescription)
                      tern \(decoded.debugDescription) / \(kept.debugDescription)
                    """)
            }
        }
        let twinNote = twin == nil ? "" : ", plain twin \(twinMismatches)"
        print("[hf-tokenizer-json] \(model): \(records.count) strings, \(idMismatches) id / \(decodeMismatches) decode mismatches\(twinNote); loaded in \(loading) (tokenizers \(header.tokenizers), transformers \(header.transformers))")
        #expect(twinMismatches == 0)
        #expect(idMismatches == 0)
        #expect(decodeMismatches == 0)
    }
}

/// The Unicode normalizers (Foundation's tables) and Lowercase against HF's on every string of the
/// set (scripts/fixtures/hf_tokenizer_json.py normalizers, into the same cache).
@Suite struct HFNormalizerTests {
    struct Header: Decodable { var strings: Int, tokenizers: String }
    struct Record: Decodable { var t: String, nfc: String?, nfd: String?, nfkc: String?, nfkd: String?, lowercase: String? }

    @Test(.enabled(if: ReferencePython.hasModule("tokenizers")))
    func normalizersMatchHuggingFace() throws {
        let r = try ReferencePython.run(script: "scripts/fixtures/hf_tokenizer_json.py", ["normalizers"])
        try #require(r.status == 0, "hf_tokenizer_json.py failed: \(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let (header, records) = try TestModels.jsonLines(try #require(report["normalizers"] as? String), Header.self, Record.self)
        #expect(records.count == header.strings)
        let forms: [(TextNormalizer, KeyPath<Record, String?>)] = [
            (.nfc, \.nfc), (.nfd, \.nfd), (.nfkc, \.nfkc), (.nfkd, \.nfkd), (.lowercase, \.lowercase),
        ]
        var differences = [String: Int]()
        for record in records {
            for (normalizer, key) in forms {
                var origin = true
                let ours = normalizer.apply(record.t, atOrigin: &origin)
                let theirs = record[keyPath: key] ?? record.t
                // Byte for byte: Swift's == would call canonically equivalent texts equal.
                if Array(ours.utf8) != Array(theirs.utf8) {
                    differences["\(normalizer)", default: 0] += 1
                    Issue.record("\(normalizer) of \(record.t.debugDescription): HF \(theirs.debugDescription), Tern \(ours.debugDescription)")
                }
            }
        }
        print("[hf-normalizers] \(records.count) strings × NFC, NFD, NFKC, NFKD, Lowercase: differences \(differences) (tokenizers \(header.tokenizers))")
        #expect(differences.isEmpty)
    }
}
