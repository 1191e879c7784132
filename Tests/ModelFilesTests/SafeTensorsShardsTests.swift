import Foundation
import Testing
import ModelFiles
import TestSupport

/// Sharded models: `model.safetensors.index.json` + shards, looked up as one.
@Suite struct SafeTensorsShardsTests {
    /// A model directory with two shards and an index in Transformers' layout.
    func shardedModel(index: String? = nil) throws -> String {
        let dir = temporaryPath("sharded")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        var first = SafeTensorsWriter(metadata: ["format": "pt"])
        try first.add("model.embed.weight", shape: [4, 2], floats: (0..<8).map(Float.init), as: .bf16)
        try first.add("model.layers.0.w", shape: [3], floats: [1, 2, 3])
        try first.write(to: dir + "/model-00001-of-00002.safetensors")
        var second = SafeTensorsWriter(metadata: ["format": "pt"])
        try second.add("lm_head.weight", shape: [2, 2], floats: [5, 6, 7, 8], as: .f16)
        try second.add("unlisted", shape: [1], floats: [0])
        try second.write(to: dir + "/model-00002-of-00002.safetensors")
        let json = index ?? """
        {
          "metadata": {"total_size": 30, "total_parameters": 15},
          "weight_map": {
            "lm_head.weight": "model-00002-of-00002.safetensors",
            "model.embed.weight": "model-00001-of-00002.safetensors",
            "model.layers.0.w": "model-00001-of-00002.safetensors"
          }
        }
        """
        try json.write(toFile: dir + "/model.safetensors.index.json", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func indexJoinsTheShards() throws {
        let dir = try shardedModel()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for model in [try SafeTensorsShards(indexPath: dir + "/model.safetensors.index.json"), try SafeTensorsShards(directory: dir)] {
            #expect(model.names == ["lm_head.weight", "model.embed.weight", "model.layers.0.w"])
            #expect(model.files.map { $0.path.split(separator: "/").last! } == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
            #expect(model.totalSize == 30 && model.path == dir + "/model.safetensors.index.json")
            #expect(try model.floats("lm_head.weight") == [5, 6, 7, 8])
            #expect(try model.floats("model.embed.weight") == (0..<8).map(Float.init))
            #expect(try model.tensor("model.layers.0.w").info.shape == [3])
            #expect(try model.data("model.layers.0.w").count == 12)
            #expect(throws: SafeTensorsError.self) { try model.tensor("unlisted") }
        }
    }

    @Test func singleFileDirectory() throws {
        let dir = temporaryPath("single")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var w = SafeTensorsWriter()
        try w.add("a", shape: [2], floats: [1, 2])
        try w.write(to: dir + "/model.safetensors")
        let model = try SafeTensorsShards(directory: dir)
        #expect(model.names == ["a"] && model.totalSize == nil && model.files.count == 1)
        #expect(try model.floats("a") == [1, 2])
        #expect(throws: SafeTensorsError.missingTensor(path: dir + "/model.safetensors", tensor: "b")) { try model.tensor("b") }
    }

    @Test(arguments: [
        (#"{"metadata": {}}"#, "no \"weight_map\""),
        (#"{"weight_map": []}"#, "\"weight_map\" is an array"),
        (#"{"weight_map": {"a": 1}}"#, "entry 'a' is an integer"),
        (#"{"weight_map": {"a": "../model-00001-of-00002.safetensors"}}"#, "not a file name in the index's directory"),
        (#"{"weight_map": {"a": ".."}}"#, "not a file name"),
        (#"{"weight_map": {"lm_head.weight": "model-00002-of-00002.safetensors", "lm_head.weight": "model-00002-of-00002.safetensors"}}"#, "listed twice"),
        (#"{"weight_map": {}, "weight_map": {}}"#, "appears twice"),
        (#"{"metadata": 3, "weight_map": {}}"#, "\"metadata\" is an integer"),
        (#"{"weight_map": {"#, "at byte 16"),
        ("[]", "not a JSON object"),
    ])
    func invalidIndex(json: String, reason: String) throws {
        let dir = try shardedModel(index: json)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let e = catching { _ = try SafeTensorsShards(directory: dir) }
        guard case .invalidIndex(let path, let r)? = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(path.hasSuffix("/model.safetensors.index.json"))
        #expect(r.contains(reason), "\(r)")
    }

    @Test func indexAndShardsDisagree() throws {
        let dir = try shardedModel(index: #"{"weight_map": {"x": "model-00001-of-00002.safetensors"}}"#)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: SafeTensorsError.missingTensor(path: dir + "/model-00001-of-00002.safetensors", tensor: "x")) {
            try SafeTensorsShards(directory: dir)
        }
        try #"{"weight_map": {"x": "model-00003-of-00003.safetensors"}}"#.write(toFile: dir + "/model.safetensors.index.json", atomically: true, encoding: .utf8)
        guard case .cannotOpen(let path, _)? = catching({ _ = try SafeTensorsShards(directory: dir) }) else { Issue.record("expected cannotOpen"); return }
        #expect(path == dir + "/model-00003-of-00003.safetensors")
    }

    @Test func aTensorInTwoFilesIsAnError() throws {
        let dir = try shardedModel()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try SafeTensorsFile(path: dir + "/model-00001-of-00002.safetensors")
        #expect(throws: SafeTensorsError.duplicateName(path: a.path, name: a.tensors[0].name)) { try SafeTensorsShards(files: [a, a]) }
    }
}
