import Foundation
import Testing
import ModelFiles
import TestSupport
@testable import Corpus

/// Planted contamination: eval passages copied (re-cased, re-punctuated) into training text.
@Suite struct DecontaminationTests {
    static let question = "Which planet in the solar system has the longest day, measured in Earth hours, and why is it so slow?"
    static let answer = "Venus rotates once every 243 Earth days, slower than it orbits the Sun, because tidal forces slowed it."

    static func index(_ config: DecontaminationConfig = DecontaminationConfig()) throws -> EvalNGramIndex {
        var index = try EvalNGramIndex(config: config)
        index.add(id: "astro/1", text: question)
        index.add(id: "astro/2", text: answer)
        index.add(id: "tiny/1", text: "What is two plus two?")
        return index
    }

    @Test func plantedPassagesAreFoundAndNamed() throws {
        let filter = DecontaminationFilter(index: try Self.index())
        #expect(filter.index.shortExamples == 1)
        // Re-cased, punctuation changed, embedded in other text: still 13 shared words.
        var doc = Document(id: "d1", text: "Blog post. WHICH planet in the Solar System has the longest day — measured in earth hours?? Nobody knows.")
        #expect(filter.apply(to: &doc) == .drop(reason: "decontaminated"))
        #expect(doc[metadata: "decontaminated_eval_id"]?.string == "astro/1")
        var second = Document(id: "d2", text: "Notes: venus rotates once every 243 earth days, slower than it orbits the sun.")
        #expect(filter.apply(to: &second) == .drop(reason: "decontaminated"))
        #expect(second[metadata: "decontaminated_eval_id"]?.string == "astro/2")
        // 12 consecutive words are not enough; the number differs in the second.
        var clean = Document(id: "d3", text: "which planet in the solar system has the longest day measured in")
        #expect(filter.apply(to: &clean) == .keep && clean.metadata.isEmpty)
        var number = Document(id: "d4", text: "Venus rotates once every 244 Earth days, slower than it orbits the Sun, because")
        #expect(filter.apply(to: &number) == .keep)
        var short = Document(id: "d5", text: "what is two plus two")
        #expect(filter.apply(to: &short) == .keep)
    }

    @Test func thresholdAndReportMode() throws {
        var config = DecontaminationConfig()
        config.minMatches = 3
        config.action = .report
        let filter = DecontaminationFilter(index: try Self.index(config))
        let words = Self.question.split(separator: " ")
        var two = Document(id: "a", text: words.prefix(14).joined(separator: " ")) // 2 n-grams
        #expect(filter.apply(to: &two) == .keep && two.metadata.isEmpty)
        var many = Document(id: "b", text: Self.question)
        #expect(filter.apply(to: &many) == .keep)
        #expect(many[metadata: "decontamination_matches"]?.int == words.count - 12)
        #expect(many[metadata: "decontaminated_eval_id"]?.string == "astro/1")
    }

    @Test func jsonlEvalSetsAndErrors() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/tern-decon-\(TestEnvironment.processID)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = #"{"id":"q1","text":"\#(Self.question)"}"# + "\n\n" + #"{"text":"\#(Self.answer)"}"# + "\n"
        try good.write(toFile: dir + "/eval.jsonl", atomically: true, encoding: .utf8)
        var index = try EvalNGramIndex()
        try index.addJSONL(path: dir + "/eval.jsonl")
        #expect(index.exampleIDs == ["q1", dir + "/eval.jsonl:3"])
        try (#"{"id":"q1","question":"x"}"# + "\n").write(toFile: dir + "/bad.jsonl", atomically: true, encoding: .utf8)
        #expect(throws: DedupError.missingField(path: dir + "/bad.jsonl", line: 1, field: "text")) {
            try index.addJSONL(path: dir + "/bad.jsonl")
        }
        var list = try EvalNGramIndex()
        list.add(texts: [Self.answer], idPrefix: "mmlu")
        var doc = Document(id: "t", text: "intro " + Self.answer)
        #expect(DecontaminationFilter(index: list).apply(to: &doc) == .drop(reason: "decontaminated"))
        #expect(doc[metadata: "decontaminated_eval_id"]?.string == "mmlu/0")
        var zero = DecontaminationConfig(); zero.nGramSize = 0
        #expect(throws: DedupError.self) { try EvalNGramIndex(config: zero) }
    }
}
