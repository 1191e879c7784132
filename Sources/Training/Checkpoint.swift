import Autodiff
import Compute
import Foundation
import ModelFiles

/// A resumable snapshot of a run, one folder per step under `<run>/checkpoints/`:
///   model.safetensors      the trainable parameters (f32, GGUF tensor names)
///   optimizer.safetensors  AdamW's moments, `<name>.m` and `<name>.v`
///   state.json             step, optimizer step, data cursor, tokens seen (`Checkpoint.State`)
/// The folder is written under a temporary name and renamed when complete, then `latest` (a
/// one-line file naming it) is replaced atomically: a kill at any moment leaves the previous
/// checkpoint intact and never a half-written one under a checkpoint's name.
public enum Checkpoint {
    /// What besides tensors a resume needs.
    public struct State: Codable, Sendable, Equatable {
        /// Optimizer steps completed.
        public var step: Int
        /// The data loader's position after those steps (its own encoding).
        public var cursor: Data
        /// Loss-counted tokens seen so far.
        public var tokens: Int
        public var seed: UInt64
        public init(step: Int, cursor: Data, tokens: Int, seed: UInt64) {
            self.step = step; self.cursor = cursor; self.tokens = tokens; self.seed = seed
        }
    }

    static func folder(_ run: String) -> String { run + "/checkpoints" }
    static func name(step: Int) -> String { String(format: "step-%08d", step) }

    /// Writes the checkpoint of `state.step` and keeps the newest `keep` checkpoints.
    public static func write(run: String, parameters: ParameterSet, optimizer: AdamW, state: State, keep: Int) throws {
        let root = folder(run)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let final = root + "/" + name(step: state.step)
        let temp = root + "/.tmp-" + name(step: state.step) + "-\(getpid())"
        try? FileManager.default.removeItem(atPath: temp)
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        var model = SafeTensorsWriter(metadata: ["format": "pt", "step": "\(state.step)"])
        var moments = SafeTensorsWriter(metadata: ["optimizer": "adamw", "adam_step": "\(optimizer.step)"])
        for (i, e) in parameters.trainable.enumerated() {
            try model.add(e.name, shape: e.tensor.shape, floats: e.tensor.values)
            let (m, v) = optimizer.moments[i]
            try moments.add(e.name + ".m", shape: e.tensor.shape, floats: Array(UnsafeBufferPointer(start: m.pointer, count: m.count)))
            try moments.add(e.name + ".v", shape: e.tensor.shape, floats: Array(UnsafeBufferPointer(start: v.pointer, count: v.count)))
        }
        try model.write(to: temp + "/model.safetensors")
        try moments.write(to: temp + "/optimizer.safetensors")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(state), to: temp + "/state.json")
        try? FileManager.default.removeItem(atPath: final)  // a re-run of the same step after a resume
        guard rename(temp, final) == 0 else {
            throw TrainingError.io(path: final, reason: "rename failed: \(String(cString: strerror(errno)))")
        }
        try AtomicFile.write(Data((name(step: state.step) + "\n").utf8), to: root + "/latest")
        // Older checkpoints beyond `keep`, and temporaries of killed writes.
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let steps = entries.filter { $0.hasPrefix("step-") }.sorted()
        for old in steps.dropLast(keep) where old != name(step: state.step) {
            try? FileManager.default.removeItem(atPath: root + "/" + old)
        }
        for t in entries where t.hasPrefix(".tmp-") && root + "/" + t != temp {
            try? FileManager.default.removeItem(atPath: root + "/" + t)
        }
    }

    /// The folder of the newest complete checkpoint of `run`, or nil when there is none.
    public static func latest(run: String) -> String? {
        let root = folder(run)
        guard let text = try? String(contentsOfFile: root + "/latest", encoding: .utf8) else { return nil }
        let path = root + "/" + text.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.fileExists(atPath: path + "/state.json") ? path : nil
    }

    /// Restores parameters and optimizer moments from the checkpoint at `path` and returns its state.
    public static func restore(_ path: String, parameters: ParameterSet, optimizer: AdamW) throws -> State {
        let state: State
        do { state = try JSONDecoder().decode(State.self, from: Data(contentsOf: URL(fileURLWithPath: path + "/state.json"))) } catch {
            throw TrainingError.badCheckpoint(path: path, reason: "state.json: \(error)")
        }
        do {
            let model = try SafeTensorsFile(path: path + "/model.safetensors")
            let moments = try SafeTensorsFile(path: path + "/optimizer.safetensors")
            guard let stepText = moments.metadata["adam_step"], let adamStep = Int(stepText) else {
                throw TrainingError.badCheckpoint(path: path, reason: "optimizer.safetensors has no adam_step")
            }
            for (i, e) in parameters.trainable.enumerated() {
                try copy(model, e.name, into: e.tensor.value, path: path)
                try copy(moments, e.name + ".m", into: optimizer.moments[i].m, path: path)
                try copy(moments, e.name + ".v", into: optimizer.moments[i].v, path: path)
            }
            optimizer.step = adamStep
        } catch let e as TrainingError { throw e } catch {
            throw TrainingError.badCheckpoint(path: path, reason: "\(error)")
        }
        return state
    }

    static func copy(_ file: SafeTensorsFile, _ name: String, into buffer: Compute.FloatBuffer, path: String) throws {
        let values = try file.floats(name)
        guard values.count == buffer.count else {
            throw TrainingError.badCheckpoint(path: path, reason: "\(name) holds \(values.count) values, the model needs \(buffer.count)")
        }
        values.withUnsafeBufferPointer { buffer.pointer.update(from: $0.baseAddress!, count: values.count) }
    }
}
