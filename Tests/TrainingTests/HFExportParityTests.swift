import Architectures
import Foundation
import Testing
import TestSupport
import Training

/// transformers computes the logits of Tern's HF exports, and peft those of its PEFT adapters.
///
/// Each case of `ExportTestModels` (Llama with GQA and an untied head, Qwen2 with biases, GPT-2) is
/// exported deterministically — `HFExport` of the base, `PEFTAdapters.save` of its adapters — and
/// scripts/fixtures/hf_export_parity.py loads the folders with `AutoModelForCausalLM` and
/// `PeftModel.from_pretrained` and records the logits of fixed tokens
/// (Tests/Fixtures/training/hf_export/). The fixture test (runs everywhere, no torch) re-exports,
/// checks that the files are byte for byte those the script read (FNV-1a-64), and that the graph's
/// logits, without and with its adapters, equal transformers' within 1e-4 of max |logit| (measured:
/// ≤ 7.4e-7). The config.json transformers re-saves (its own spelling: `dtype`, `rope_parameters`)
/// must import as the same model.
///
/// The live test runs the script itself when torch, transformers and peft import in the reference
/// venv (skipped otherwise; CI has no torch, whose PyPI wheels are CUDA-sized), and also imports the
/// folders transformers wrote with `save_pretrained`. To run it:
/// `pip install torch transformers peft` into that venv, then
/// `swift test --filter HFExportParityTests`; with TERN_UPDATE_FIXTURES=1 it rewrites the fixtures.
@Suite(.serialized) struct HFExportParityTests {
    static let fixtures = TestEnvironment.fixturePath("training/hf_export/")
    static let bound: Float = 1e-4

    struct Meta: Decodable {
        struct Case: Decodable {
            let vocab: Int
            let model_fnv1a64: String
            let adapter_fnv1a64: String
        }
        let tokens: [Int32]
        let cases: [String: Case]
    }

    /// Whether torch, transformers and peft import (never assumed, even when models are required).
    static let torchAvailable: Bool = {
        guard FileManager.default.isExecutableFile(atPath: ReferencePython.path) else { return false }
        return (try? Subprocess.run(ReferencePython.path, ["-c", "import torch, transformers, peft"], timeout: 300).status) == 0
    }()

    /// Writes `<case>/`, `<case>-adapter/` and tokens.json into `folder`.
    static func exportCases(to folder: String) throws {
        for name in ExportTestModels.cases {
            let graph = try ExportTestModels.adaptedGraph(name)
            let adapters = graph.adapters
            graph.adapters = [:]  // the base alone; adapters go to their own folder
            try HFExport.write(graph, to: folder + "/" + name)
            graph.adapters = adapters
            try PEFTAdapters.save(graph, to: folder + "/" + name + "-adapter", baseModel: name)
        }
        let spec = ["cases": ExportTestModels.cases.map { "\"\($0)\"" }.joined(separator: ", "),
                    "tokens": ExportTestModels.tokens.map(String.init).joined(separator: ", ")]
        try Data("{\"cases\": [\(spec["cases"]!)], \"tokens\": [\(spec["tokens"]!)]}\n".utf8)
            .write(to: URL(fileURLWithPath: folder + "/tokens.json"))
    }

    static func fnv1a64(_ path: String) throws -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in try Data(contentsOf: URL(fileURLWithPath: path)) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The exports in `folder` are the files `reference` saw, and the graphs compute its logits.
    static func check(exports folder: String, reference: String) throws {
        let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: URL(fileURLWithPath: reference + "/meta.json")))
        #expect(meta.tokens == ExportTestModels.tokens)
        #expect(Set(meta.cases.keys) == Set(ExportTestModels.cases))
        for name in ExportTestModels.cases {
            let recorded = try #require(meta.cases[name])
            #expect(try fnv1a64(folder + "/\(name)/model.safetensors") == recorded.model_fnv1a64,
                    "\(name): model.safetensors differs from the one the fixture was made from (regenerate it if the change is intended)")
            #expect(try fnv1a64(folder + "/\(name)-adapter/adapter_model.safetensors") == recorded.adapter_fnv1a64,
                    "\(name): adapter_model.safetensors differs from the one the fixture was made from")
            let graph = try ExportTestModels.adaptedGraph(name)
            let adapted = ExportTestModels.logits(graph)
            graph.adapters = [:]
            let base = ExportTestModels.logits(graph)
            let hfBase = try Numpy.readFloat32(reference + "/\(name).logits.npy")
            let hfAdapted = try Numpy.readFloat32(reference + "/\(name).peft.logits.npy")
            #expect(recorded.vocab == graph.config.vocabularySize)
            let e1 = ExportTestModels.relativeError(base, hfBase), e2 = ExportTestModels.relativeError(adapted, hfAdapted)
            print("\(name): max |Δlogit| / max |logit| vs transformers \(e1), vs peft \(e2)")
            #expect(e1 <= bound, "\(name): base logits vs transformers: \(e1)")
            #expect(e2 <= bound, "\(name): adapted logits vs peft: \(e2)")
            // The adapters matter: without them the logits would not match peft's.
            #expect(ExportTestModels.relativeError(base, hfAdapted) > 100 * bound, "\(name): the adapters change nothing")
            // The config as transformers re-saves it (its own spelling: dtype, rope_parameters …)
            // imports as the same model.
            let resaved = try ExportTestModels.temporaryFolder("resaved-config-\(name)")
            try FileManager.default.copyItem(atPath: reference + "/\(name).resaved-config.json", toPath: resaved + "/config.json")
            try FileManager.default.copyItem(atPath: folder + "/\(name)/model.safetensors", toPath: resaved + "/model.safetensors")
            expectSameModel(try HFImport.graph(directory: resaved), graph, "\(name) with transformers' config.json")
        }
    }

    static func expectSameModel(_ a: DecoderGraph, _ b: DecoderGraph, _ tag: String) {
        #expect(a.config == b.config, "\(tag): config")
        #expect(a.parameters.entries.map(\.name) == b.parameters.entries.map(\.name), "\(tag): parameters")
        for (x, y) in zip(a.parameters.entries, b.parameters.entries) { #expect(x.tensor.values == y.tensor.values, "\(tag): \(x.name)") }
    }

    @Test func fixtureLogitsAreTheGraphs() throws {
        let folder = try ExportTestModels.temporaryFolder("hf-fixture")
        try Self.exportCases(to: folder)
        try Self.check(exports: folder, reference: Self.fixtures)
    }

    @Test(.enabled(if: torchAvailable, "torch, transformers and peft are not importable in the reference venv (pip install torch transformers peft to run)"))
    func liveTransformersAndPEFT() throws {
        let folder = try ExportTestModels.temporaryFolder("hf-live")
        try Self.exportCases(to: folder)
        let update = TestEnvironment.value("TERN_UPDATE_FIXTURES") == "1"
        let out = update ? Self.fixtures : folder + "/reference"
        let run = try ReferencePython.run(script: "scripts/fixtures/hf_export_parity.py", [folder, out], timeout: 900)
        try #require(run.status == 0, "hf_export_parity.py failed: \(run.stderr)")
        try Self.check(exports: folder, reference: out)
        // Folders transformers itself wrote (save_pretrained) import as the exported models.
        for name in ExportTestModels.cases {
            let graph = try ExportTestModels.graph(name)
            Self.expectSameModel(try HFImport.graph(directory: folder + "/\(name)-resaved"), graph, "\(name) re-saved by transformers")
        }
    }
}
