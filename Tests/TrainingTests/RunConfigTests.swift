import Foundation
import ModelFiles
import Testing
import TestSupport
@testable import Training

/// Run configs: JSON and YAML read the same, missing fields take the documented defaults, and a
/// wrong value names its field.
@Suite struct RunConfigTests {
    @Test func yamlAndJSONAgreeAndDefaultsFill() throws {
        let json = temporaryPath("run.json"), yaml = temporaryPath("run.yaml")
        defer { unlink(json); unlink(yaml) }
        try writeFileAtomically(path: json, bytes: Array(#"{"model": {"architecture": "gpt2", "layers": 4}, "steps": 50, "lora": {"rank": 4}}"#.utf8))
        try writeFileAtomically(path: yaml, bytes: Array("model:\n  architecture: gpt2\n  layers: 4\nsteps: 50\nlora:\n  rank: 4\n".utf8))
        let a = try RunConfig.load(json), b = try RunConfig.load(yaml)
        #expect(a == b)
        #expect(a.model.layers == 4 && a.model.width == 384 && a.steps == 50 && a.batchSize == 16 && a.beta2 == 0.95)
        #expect(a.lora?.rank == 4 && a.lora?.alpha == 16 && a.lora?.targets == ["q_proj", "v_proj"])
    }

    @Test func wrongValuesNameTheirField() throws {
        let yaml = temporaryPath("bad.yaml")
        defer { unlink(yaml) }
        try writeFileAtomically(path: yaml, bytes: Array("model:\n  layers: many\n".utf8))
        do { _ = try RunConfig.load(yaml); Issue.record("accepted a non-number") } catch let e as TrainingError {
            #expect(e.description.contains("model.layers"), "\(e)")
        }
        var c = RunConfig()
        c.data = "shards"; c.lora = RunConfig.LoRA(); c.lora!.dropout = 1
        #expect(throws: TrainingError.self) { try c.validate() }
    }
}
