import Testing
import Foundation
import ModelFiles
import TestSupport

/// Bad input to `tern`: one clear error line naming the problem, a non-zero exit, never a crash.
@Suite struct BadInputTests {
    /// The error output is a single line that says `what`, and the process exited with failure
    /// (not a signal: a crash would show as a status above 128 or a trap message).
    func expectCleanError(_ r: TernBinary.Output, mentions what: [String], _ context: String) {
        #expect(r.status != 0 && r.status < 128, "\(context): exit status \(r.status)")
        let lines = r.stderr.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lines.count == 1, "\(context): expected one error line, got:\n\(r.stderr)")
        for w in what { #expect(r.stderr.contains(w), "\(context): '\(w)' not in: \(r.stderr)") }
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"), "\(context): crashed: \(r.stderr)")
    }

    func file(_ bytes: [UInt8], _ name: String) -> String {
        let path = temporaryPath(name)
        try! writeFileAtomically(path: path, bytes: bytes)
        return path
    }

    @Test func missingFile() throws {
        let r = try TernBinary.run(["generate", "--model", "/nonexistent/dir/model.gguf", "--prompt", "hi"])
        expectCleanError(r, mentions: ["/nonexistent/dir/model.gguf", "no such file"], "missing file")
    }

    @Test func unknownShortName() throws {
        let r = try TernBinary.run(["info", "--model", "llama-70b"])
        expectCleanError(r, mentions: ["llama-70b", "smollm2-135m"], "unknown name")
    }

    @Test func serveUnknownModel() throws {
        let r = try TernBinary.run(["serve", "--model", "llama-70b", "--port", "0"], timeout: 60)
        expectCleanError(r, mentions: ["llama-70b", "smollm2-135m"], "serve unknown name")
    }

    /// A file that fails to load after the server started listening still ends the process
    /// with the reason (and no crash).
    @Test func serveCorruptModel() throws {
        let path = file(Array("this is a text file, not a model\n".utf8), "serve.gguf")
        defer { unlink(path) }
        let r = try TernBinary.run(["serve", "--model", path, "--port", "0"], environment: ["LOG_LEVEL": "critical"], timeout: 60)
        #expect(r.status == 1 && r.stderr.contains("not a GGUF file") && !r.stderr.contains("Fatal error"), "\(r.stderr)")
    }

    @Test func notAGGUF() throws {
        let path = file(Array("this is a text file, not a model\n".utf8), "text.gguf")
        defer { unlink(path) }
        let r = try TernBinary.run(["generate", "--model", path, "--prompt", "hi"])
        expectCleanError(r, mentions: [path, "not a GGUF file"], "non-GGUF")
    }

    @Test func truncatedGGUF() throws {
        let full = TinyModel.llama().serialize()
        for cut in [10, 200, full.count / 2, full.count - 7] {
            let path = file(Array(full[..<cut]), "trunc-\(cut).gguf")
            defer { unlink(path) }
            let r = try TernBinary.run(["generate", "--model", path, "--prompt", "hi"])
            expectCleanError(r, mentions: [path], "truncated at \(cut)")
            #expect(r.stderr.contains("truncated") || r.stderr.contains("past the end"), "cut \(cut): \(r.stderr)")
        }
    }

    @Test func tensorOffsetPastEnd() throws {
        var w = TinyModel.llama()
        // Grow the last tensor's declared shape so that its data would run past the end.
        let last = w.tensors.count - 1
        w.tensors[last].shape = [w.tensors[last].shape[0] * 1000, w.tensors[last].shape.last!]
        let path = file(w.serialize(), "past-end.gguf")
        defer { unlink(path) }
        let r = try TernBinary.run(["generate", "--model", path, "--prompt", "hi"])
        expectCleanError(r, mentions: [path, w.tensors[last].name, "past the end"], "offset past end")
    }

    @Test func unknownTensorType() throws {
        var bytes = TinyModel.llama().serialize()
        // Patch the type id of the first tensor ("token_embd.weight", 2 dims) to 200.
        let name = Array("token_embd.weight".utf8)
        var at = 0
        for i in 0..<(bytes.count - name.count) where Array(bytes[i..<i + name.count]) == name { at = i; break }
        let typeOffset = at + name.count + 4 + 2 * 8
        bytes[typeOffset] = 200
        let path = file(bytes, "dtype.gguf")
        defer { unlink(path) }
        let r = try TernBinary.run(["info", "--model", path])
        expectCleanError(r, mentions: [path, "token_embd.weight", "type id 200"], "unknown dtype")
    }

    @Test func unsupportedTensorType() throws {
        var w = TinyModel.llama()
        let i = w.tensors.firstIndex { $0.name == "blk.0.ffn_up.weight" }!
        // IQ2_XXS: a real GGUF type that Tern does not compute with. 128×64 values = 32 blocks × 66 bytes.
        w.tensors[i] = .init(name: w.tensors[i].name, shape: [256, 32], type: .iq2_xxs, data: [UInt8](repeating: 0, count: 32 * 66))
        let path = file(w.serialize(), "iq2.gguf")
        defer { unlink(path) }
        let r = try TernBinary.run(["generate", "--model", path, "--prompt", "hi"])
        expectCleanError(r, mentions: [path, "blk.0.ffn_up.weight"], "unsupported dtype")
    }

    @Test func unknownArchitecture() throws {
        var w = TinyModel.llama()
        w.set("general.architecture", .string("mamba9"))
        let path = file(w.serialize(), "arch.gguf")
        defer { unlink(path) }
        let r = try TernBinary.run(["generate", "--model", path, "--prompt", "hi"])
        expectCleanError(r, mentions: [path, "unsupported architecture 'mamba9'"], "unknown architecture")
    }

    @Test func promptLongerThanContext() throws {
        let path = file(TinyModel.llama(contextLength: 64).serialize(), "ctx.gguf")
        defer { unlink(path) }
        let prompt = String(repeating: "hello world ", count: 200)
        let r = try TernBinary.run(["generate", "--model", path, "--prompt", prompt, "--max-tokens", "4"])
        expectCleanError(r, mentions: ["prompt has", "context"], "prompt too long")
    }

    @Test func tinyModelGenerates() throws {
        let path = file(TinyModel.llama(architecture: "qwen2").serialize(), "ok.gguf")
        defer { unlink(path) }
        let r = try TernBinary.run(["generate", "--model", path, "--prompt", "the cat", "--max-tokens", "5",
                                    "--temperature", "0", "--json", "--ignore-eos"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect((object?["tokens"] as? [Int])?.count == 5)
        #expect((object?["prompt_tokens"] as? [Int])?.isEmpty == false)
    }
}
