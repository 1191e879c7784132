import Foundation
import Generation
import Tokenization

/// How `GroundedAnswerer` retrieves and answers.
public struct AnswerOptions: Sendable, Equatable {
    /// Sources put in the prompt (default 5).
    public var sources = 5
    public var mode = SearchMode.hybrid
    /// Refuse to answer when no retrieved chunk is at least this similar to the question
    /// (cosine; default 0.35: MiniLM gives unrelated text 0.0–0.3).
    public var minSimilarity = 0.35
    /// Sources less similar than this, or more than `sourceSimilarityGap` below the best, are left
    /// out of the prompt (the best one is always kept; defaults 0.25 and 0.25), so that a small
    /// model is not led astray by unrelated text.
    public var minSourceSimilarity = 0.25
    public var sourceSimilarityGap = 0.25
    /// Longest source text in the prompt, in characters (default 1,500).
    public var maxSourceCharacters = 1500
    /// Tokens to generate at most (default 384), greedy by default.
    public var maxTokens = 384
    public var sampling: SamplingParameters = {
        var p = SamplingParameters()
        p.temperature = 0
        return p
    }()
    public init() {}
}

/// One source as the answer shows it.
public struct AnswerSource: Sendable, Codable, Equatable {
    /// Its number in the prompt, `[n]`.
    public var number: Int
    public var source: String
    public var title: String?
    public var headings: [String]
    public var text: String
    public var similarity: Double?
    /// Whether the answer cites it.
    public var cited: Bool
}

/// A grounded answer: the text, the numbered sources it was given, which of them it cites, or
/// a refusal when retrieval found nothing relevant.
public struct GroundedAnswer: Sendable, Codable, Equatable {
    public var question: String
    public var answer: String
    public var refused: Bool
    /// Why it refused, or a warning (no citation in the answer, citations of sources that do not exist).
    public var note: String?
    /// Source numbers the answer cites, in order of first use.
    public var citations: [Int]
    public var sources: [AnswerSource]
    /// The best similarity between the question and a retrieved chunk.
    public var bestSimilarity: Double?
}

/// Retrieval-augmented answering: retrieve, refuse when nothing is relevant, else prompt the
/// local chat model with numbered sources and the instruction to cite them as `[n]`, and check
/// the citations in what it writes.
public final class GroundedAnswerer {
    public let searcher: KnowledgeSearcher
    public var options: AnswerOptions

    public init(searcher: KnowledgeSearcher, options: AnswerOptions = AnswerOptions()) {
        self.searcher = searcher
        self.options = options
    }

    /// The retrieval step alone: the hits and, if it must refuse, why.
    public func retrieve(_ question: String) throws(KnowledgeStoreError) -> (hits: [SearchHit], refusal: String?) {
        var search = SearchOptions(k: options.sources, mode: options.mode)
        search.candidates = 50
        let hits = try searcher.search(question, options: search)
        let best = hits.compactMap(\.similarity).max()
        if hits.isEmpty { return (hits, "no chunk of the store matches the question") }
        if let best, best < options.minSimilarity {
            return (hits, "the best source is only \(Self.format(best)) similar to the question (threshold \(Self.format(options.minSimilarity)))")
        }
        return (hits, nil)
    }

    /// Answers `question` with `model`, streaming the answer's text to `onText` as it comes.
    /// `model` is asked for only when there is something to answer from.
    public func answer(_ question: String, model: () throws -> LanguageModel,
                       onText: ((String) -> Void)? = nil) throws -> GroundedAnswer {
        let (hits, refusal) = try retrieve(question)
        let best = hits.compactMap(\.similarity).max()
        let floor = max(options.minSourceSimilarity, (best ?? 0) - options.sourceSimilarityGap)
        let kept = hits.filter { h in h.similarity.map { $0 >= floor } ?? true }
        var sources = (refusal == nil ? kept : hits).enumerated().map { i, h in
            AnswerSource(number: i + 1, source: h.source, title: h.title, headings: h.headings,
                         text: String(h.text.prefix(options.maxSourceCharacters)), similarity: h.similarity, cited: false)
        }
        if let refusal {
            return GroundedAnswer(question: question, answer: "", refused: true, note: refusal, citations: [], sources: sources,
                                  bestSimilarity: best)
        }
        let lm = try model()
        // Fewer sources when the prompt would not leave room for the answer in the context.
        var used = sources.count
        var prompt = try lm.chatPrompt(GroundedPrompt.messages(question: question, sources: sources)).tokens
        while prompt.count + options.maxTokens > lm.generator.contextSize, used > 1 {
            used -= 1
            prompt = try lm.chatPrompt(GroundedPrompt.messages(question: question, sources: Array(sources.prefix(used)))).tokens
        }
        sources = Array(sources.prefix(used))
        let request = GenerationRequest(prompt: prompt, maxTokens: options.maxTokens, sampling: options.sampling)
        let result = try lm.generator.generate(request) { token in
            onText?(token.text)
            return true
        }
        let answer = result.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let (cited, invalid) = Citations.parse(answer, sourceCount: sources.count)
        for n in cited { sources[n - 1].cited = true }
        var note: String?
        if cited.isEmpty { note = "the answer cites no source" }
        if !invalid.isEmpty { note = "the answer cites sources that do not exist: " + invalid.map { "[\($0)]" }.joined(separator: ", ") }
        return GroundedAnswer(question: question, answer: answer, refused: false, note: note, citations: cited, sources: sources,
                              bestSimilarity: best)
    }

    static func format(_ x: Double) -> String { String(Double(Int((x * 100).rounded())) / 100) }
}

/// The prompt of a grounded answer.
public enum GroundedPrompt {
    /// A system message with the rules and a user message with the numbered sources and the question.
    public static func messages(question: String, sources: [AnswerSource]) -> [ChatMessage] {
        let system = """
            You answer questions using only the numbered sources you are given. After each sentence that uses a \
            source, cite it by its number in square brackets, like [1] or [2][3]. If the sources do not contain \
            the answer, say that you do not know. Do not invent facts or sources.
            """
        var user = "Sources:\n"
        for s in sources {
            let label = ([s.title].compactMap { $0 } + s.headings).joined(separator: " › ")
            user += "\n[\(s.number)] \(label.isEmpty ? s.source : label)\n\(s.text)\n"
        }
        user += "\nQuestion: \(question)\n\nAnswer the question in full sentences, and end each sentence with the number of the source it comes from, like this: \"… [1].\""
        return [ChatMessage(role: "system", content: system), ChatMessage(role: "user", content: user)]
    }
}

/// `[n]` citations in generated text.
public enum Citations {
    /// Source numbers cited, in order of first use, and cited numbers outside 1…`sourceCount`.
    /// Reads `[1]`, `[1][2]`, `[1, 2]`, `[1,2,3]` and ranges `[1-3]`; other bracketed text is ignored.
    public static func parse(_ text: String, sourceCount: Int) -> (cited: [Int], invalid: [Int]) {
        var cited = [Int](), invalid = [Int]()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            guard scalars[i] == "[", let close = scalars[(i + 1)...].prefix(24).firstIndex(of: "]") else { i += 1; continue }
            let inside = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
            if let numbers = numbers(inside) {
                for n in numbers {
                    if (1...max(sourceCount, 1)).contains(n), sourceCount > 0 {
                        if !cited.contains(n) { cited.append(n) }
                    } else if !invalid.contains(n) { invalid.append(n) }
                }
            }
            i = close + 1
        }
        return (cited, invalid)
    }

    /// "1", "1, 2", "1-3" → numbers; anything else → nil.
    static func numbers(_ inside: String) -> [Int]? {
        var out = [Int]()
        for part in inside.split(separator: ",") {
            let p = part.trimmingCharacters(in: .whitespaces)
            let bounds = p.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if bounds.count == 1, let n = Int(bounds[0]), n >= 0 { out.append(n); continue }
            if bounds.count == 2, let a = Int(bounds[0]), let b = Int(bounds[1]), a >= 0, a <= b, b - a < 20 { out += Array(a...b); continue }
            return nil
        }
        return out.isEmpty ? nil : out
    }
}
