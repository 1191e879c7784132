import Architectures
import Autodiff
import Compute
import Foundation
import ModelFiles
import Testing
import TestSupport
import Tokenization
import Training

/// The exported GGUF runs in llama.cpp as in Tern. A byte-level BPE tokenizer is trained on a small
/// text, small models are trained on it until they recite it (so greedy steps are decided by wide
/// margins), exported, and decoded greedily for 20 tokens by llama.cpp (llama-cpp-python, through
/// scripts/fixtures/llamacpp_greedy.py) and by Tern (`DecoderModel`; the graph for GPT-2, which
/// `DecoderModel` does not run). Both must tokenize the prompt alike and pick the same tokens; a
/// divergence is allowed only at a near-tie (llama.cpp's top-2 margin < 0.05: its F16 KV cache and
/// Q8_0 activations round differently from Tern).
///
/// Live only: skipped when `llama_cpp` is not importable in the reference venv, unless
/// TERN_REQUIRE_MODELS=1. Run: `swift test --filter LlamaCppExportTests` with llama-cpp-python
/// installed (Tests/requirements.txt's venv).
@Suite(.serialized) struct LlamaCppExportTests {
    static let available = ReferencePython.hasModule("llama_cpp")
    static let lines = [
        "The quick brown fox jumps over the lazy dog near the river bank.",
        "A journey of a thousand miles begins with a single step forward.",
        "Swift code compiles to fast native programs on Linux and macOS.",
        "Every morning the baker opens the shop and sells warm fresh bread.",
        "Numbers like 1234 and 5678 are split into digits by the tokenizer.",
    ]
    static let prompt = "Every morning the baker"
    static let steps = 20

    struct Reference: Decodable {
        let prompt_tokens: [Int]
        let tokens: [Int]
        let margins: [Float]
        let n_vocab: Int
        let eos: Int
    }

    /// A byte-level BPE tokenizer trained on the lines, with `<|endoftext|>` as its EOS.
    static func tokenizer() throws -> TokenizerJSON {
        var c = BPETrainer.Configuration()
        c.vocabularySize = 340
        c.specialTokens = ["<|endoftext|>"]
        var trainer = try BPETrainer(configuration: c)
        for _ in 0..<4 { for l in lines { trainer.add(l + "\n") } }
        return trainer.train()
    }

    /// Trains `graph` on the lines (separated by EOS) until it recites them: AdamW, 120 steps of
    /// 8 windows of 32 tokens at seeded offsets.
    static func train(_ graph: DecoderGraph, tokenizer: Tokenizer, eos: Int) {
        var stream: [Int32] = []
        for _ in 0..<3 { for l in lines { stream += tokenizer.encode(l + "\n", addSpecial: false).map(Int32.init) + [Int32(eos)] } }
        let optimizer = AdamW(graph.parameters, .init(weightDecay: 0))
        let tape = Tape(pool: ThreadPool(threadCount: 2))
        var rng = SeededGenerator(seed: 5)
        let t = 32, batch = 8
        for _ in 0..<120 {
            var x: [Int32] = [], y: [Int32] = []
            for _ in 0..<batch {
                let start = Int(rng.next() % UInt64(stream.count - t - 1))
                x += stream[start..<start + t]
                y += stream[start + 1..<start + t + 1]
            }
            optimizerStep(graph, tape: tape, optimizer: optimizer, tokens: x, targets: y, batch: batch, lr: 3e-3)
        }
    }

    static func llamaCpp(_ gguf: String) throws -> Reference {
        let run = try ReferencePython.run(script: "scripts/fixtures/llamacpp_greedy.py", [gguf, prompt, "\(steps)"], timeout: 300)
        guard run.status == 0 else { throw ExportError.io(path: gguf, reason: "llama.cpp failed: \(run.stderr)") }
        return try JSONDecoder().decode(Reference.self, from: Data(run.stdout.utf8))
    }

    /// Tokens equal, except that after a step where llama.cpp's margin is a near-tie they may part.
    static func compare(_ ours: [Int], _ reference: Reference, _ tag: String) {
        #expect(reference.tokens.count == ours.count)
        for i in 0..<min(ours.count, reference.tokens.count) where ours[i] != reference.tokens[i] {
            #expect(reference.margins[i] < 0.05, "\(tag): step \(i): Tern \(ours[i]), llama.cpp \(reference.tokens[i]) with margin \(reference.margins[i])")
            return
        }
    }

    @Test(.enabled(if: available, "llama-cpp-python is not importable in the reference venv"))
    func llamaStyleF32AndQ8_0() throws {
        let json = try Self.tokenizer()
        let vocabulary = GGUFExport.vocabulary(json)
        let tokenizer = try Tokenizer(vocabulary: vocabulary)
        let config = DecoderConfig.llama(vocabulary: vocabulary.tokens.count, context: 64, layers: 2, heads: 4, kvHeads: 2,
                                         width: 64, feedForward: 128)
        let graph = try DecoderGraph(config: config, seed: 42)
        Self.train(graph, tokenizer: tokenizer, eos: vocabulary.special.eos!)
        let prompt = tokenizer.encode(Self.prompt, addSpecial: false)
        for type in [GGUFExport.MatrixType.f32, .q8_0] {
            let path = ExportTestModels.uniquePath("llamacpp-\(type).gguf")
            try GGUFExport.write(graph, vocabulary: vocabulary, options: .init(type: type), to: path)
            let model = try DecoderModel(path: path)
            let cache = model.makeCache()
            let logits = FloatBuffer(count: model.config.vocabularySize)
            try model.forward(prompt, cache: cache, logits: logits)
            var ours: [Int] = []
            for _ in 0..<Self.steps {
                let next = logits.array.indices.max { logits[$0] < logits[$1] }!
                ours.append(next)
                try model.forward([next], cache: cache, logits: logits)
            }
            let reference = try Self.llamaCpp(path)
            #expect(reference.prompt_tokens == prompt, "\(type): prompt tokenization")
            #expect(reference.n_vocab == config.vocabularySize)
            #expect(reference.eos == vocabulary.special.eos)
            Self.compare(ours, reference, "llama \(type)")
            print("llama \(type): \(tokenizer.decode(ours).debugDescription), smallest llama.cpp margin \(reference.margins.min()!)")
        }
    }

    @Test(.enabled(if: available, "llama-cpp-python is not importable in the reference venv"))
    func gpt2StyleF32() throws {
        let json = try Self.tokenizer()
        let vocabulary = GGUFExport.vocabulary(json)
        let tokenizer = try Tokenizer(vocabulary: vocabulary)
        let graph = try DecoderGraph(config: .gpt2(vocabulary: vocabulary.tokens.count, context: 64, layers: 2, heads: 4, width: 64), seed: 43)
        Self.train(graph, tokenizer: tokenizer, eos: vocabulary.special.eos!)
        var sequence = tokenizer.encode(Self.prompt, addSpecial: false).map(Int32.init)
        let promptCount = sequence.count
        let tape = Tape(pool: ThreadPool(threadCount: 2))
        tape.isRecording = false
        for _ in 0..<Self.steps {
            let logits = graph.logits(tape, tokens: sequence, batch: 1).values.suffix(graph.config.vocabularySize)
            sequence.append(Int32(logits.indices.max { logits[$0] < logits[$1] }! - logits.startIndex))
            tape.reset()
        }
        let ours = sequence[promptCount...].map(Int.init)
        let path = ExportTestModels.uniquePath("llamacpp-gpt2.gguf")
        try GGUFExport.write(graph, vocabulary: vocabulary, to: path)
        let reference = try Self.llamaCpp(path)
        #expect(reference.prompt_tokens == sequence[..<promptCount].map(Int.init))
        Self.compare(ours, reference, "gpt2")
        print("gpt2: \(tokenizer.decode(ours).debugDescription), smallest llama.cpp margin \(reference.margins.min()!)")
    }
}
