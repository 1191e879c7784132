import Testing
import Foundation
import TestSupport

/// The `tern` commands on the real models, as a user runs them.
@Suite(.serialized) struct CommandTests {
    func json(_ r: TernBinary.Output) throws -> [String: Any] {
        #expect(r.status == 0, "stderr: \(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    }

    /// `tern generate --json` reproduces llama.cpp's greedy fixture through the CLI flags.
    @Test(.enabled(if: TestEnvironment.hasModel("smollm2-135m")))
    func generateGreedyMatchesLlamaCpp() throws {
        let fixture = try InferenceFixture.load("smollm2-135m")
        let prompt = fixture.prompts.first { $0.id == "en_continuation" }!
        let r = try TernBinary.run(["generate", "-m", "smollm2-135m", "--prompt", prompt.prompt_text, "--temperature", "0",
                                    "--max-tokens", "32", "--ignore-eos", "--json", "--threads", "2"])
        let object = try json(r)
        #expect(object["prompt_tokens"] as? [Int] == prompt.prompt_token_ids)
        #expect(object["tokens"] as? [Int] == prompt.generated_token_ids)
        #expect(object["text"] as? String == prompt.generated_text)
        #expect(object["finish_reason"] as? String == "length")
    }

    /// `--chat` applies the model's template; `--parse-special` and `--no-bos` behave as in llama.cpp.
    @Test(.enabled(if: TestEnvironment.hasModel("gemma3-270m")))
    func promptFlags() throws {
        let fixture = try InferenceFixture.load("gemma3-270m")
        let chat = fixture.prompts.first { $0.id == "chat_question" }!
        var r = try TernBinary.run(["generate", "-m", "gemma3-270m", "--chat", "--prompt", chat.messages![0].content,
                                    "--temperature", "0", "-n", "1", "--json"])
        #expect(try json(r)["prompt_tokens"] as? [Int] == chat.prompt_token_ids)
        // The same prompt as raw text with special-token parsing and no extra BOS.
        r = try TernBinary.run(["generate", "-m", "gemma3-270m", "--prompt", chat.prompt_text, "--parse-special",
                                "--no-bos", "--temperature", "0", "-n", "1", "--json"])
        #expect(try json(r)["prompt_tokens"] as? [Int] == chat.prompt_token_ids)
        // Without --parse-special the markers are plain text: more tokens, no <start_of_turn> (105).
        r = try TernBinary.run(["generate", "-m", "gemma3-270m", "--prompt", chat.prompt_text, "--no-bos",
                                "--temperature", "0", "-n", "1", "--json"])
        let plain = try json(r)["prompt_tokens"] as? [Int] ?? []
        #expect(!plain.contains(105) && plain.count > chat.prompt_token_ids.count)
    }

    @Test(.enabled(if: TestEnvironment.hasModel("qwen2.5-0.5b")))
    func tokenizeAndDecode() throws {
        let fixture = try InferenceFixture.load("qwen2.5-0.5b")
        for c in fixture.tokenizer_cases.prefix(6) {
            let r = try TernBinary.run(["tokenize", "-m", "qwen2.5-0.5b", "--text", c.text])
            #expect(r.status == 0)
            let ids = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [Int]
            #expect(ids == c.ids_add_special, "\(c.text)")
            let d = try TernBinary.run(["tokenize", "-m", "qwen2.5-0.5b", "--decode", "--text",
                                        "[" + c.ids.map(String.init).joined(separator: ",") + "]"])
            let text = try JSONSerialization.jsonObject(with: Data(d.stdout.utf8), options: .fragmentsAllowed) as? String
            if c.roundtrip_ok { #expect(text == c.text) }
        }
        let bad = try TernBinary.run(["tokenize", "-m", "qwen2.5-0.5b", "--decode", "--text", "[1, 999999999]"])
        #expect(bad.status != 0 && bad.stderr.contains("999999999"))
    }

    /// A two-turn chat through stdin: streamed replies, the second turn sees the first.
    @Test(.enabled(if: TestEnvironment.hasModel("qwen2.5-0.5b")))
    func chatIsMultiTurn() throws {
        let r = try TernBinary.run(["chat", "-m", "qwen2.5-0.5b", "--temperature", "0", "-n", "40"],
                                   stdin: "My name is Ada. Reply with just: OK\nWhat is my name? Answer with one word.\n")
        #expect(r.status == 0, "\(r.stderr)")
        let replies = r.stdout.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(replies.count >= 2, "\(r.stdout)")
        #expect(r.stdout.contains("Ada"), "the second turn should remember the name: \(r.stdout)")
    }

    @Test(.enabled(if: TestEnvironment.hasModel("gemma3-270m")))
    func infoDescribesTheModel() throws {
        let r = try TernBinary.run(["info", "-m", "gemma3-270m"])
        #expect(r.status == 0)
        for expected in ["architecture: gemma3", "layers: 18", "embedding: 640", "sliding window: 512 on 15 of 18 layers",
                         "Q5_0", "Q4_K", "Q6_K", "Q8_0", "262144 tokens", "chat template: built-in"] {
            #expect(r.stdout.contains(expected), "missing '\(expected)' in:\n\(r.stdout)")
        }
    }

    @Test(.enabled(if: TestEnvironment.hasModel("smollm2-135m")))
    func benchReportsBothPhases() throws {
        let r = try TernBinary.run(["bench", "-m", "smollm2-135m", "--prompt-tokens", "64", "--gen-tokens", "8",
                                    "--repetitions", "1", "--threads", "2", "--json"])
        let object = try json(r)
        #expect((object["prefillTokensPerSecond"] as? Double ?? 0) > 0)
        #expect((object["decodeTokensPerSecond"] as? Double ?? 0) > 0)
        #expect(object["threads"] as? Int == 2)
    }

    /// Peak RSS of `tern generate` on Qwen2.5-1.5B stays within file size + KV cache + 150 MB:
    /// the weights are mapped and used in place, never copied or expanded.
    @Test(.enabled(if: TestEnvironment.hasModel("qwen2.5-1.5b")))
    func memoryStaysWithinFilePlusCache() throws {
        let prompt = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 60)
        let r = try TernBinary.run(["generate", "-m", "qwen2.5-1.5b", "--prompt", prompt, "--temperature", "0",
                                    "-n", "32", "--json"])
        let memory = try json(r)["memory"] as? [String: Int] ?? [:]
        let file = memory["model_file_bytes"] ?? 0, kv = memory["kv_cache_bytes"] ?? 0, peak = memory["peak_rss_bytes"] ?? .max
        #expect(file == 1_117_320_768 && kv > 0)
        #expect(peak <= file + kv + 150 * 1_000_000, "peak RSS \(peak) > file \(file) + KV \(kv) + 150 MB")
        print("[memory] qwen2.5-1.5b peak RSS \(peak / 1_000_000) MB, file \(file / 1_000_000) MB, KV \(kv / 1_000_000) MB")
    }
}
