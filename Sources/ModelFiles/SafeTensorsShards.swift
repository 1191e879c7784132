#if canImport(Glibc)
import Glibc
#endif

/// One lookup over the tensors of a model stored as safetensors: either one file
/// (`model.safetensors`) or shards listed by a `model.safetensors.index.json`, as Transformers
/// and huggingface_hub write a model larger than their shard size:
///
///     {"metadata": {"total_size": 988065792}, "weight_map": {"lm_head.weight": "model-00002-of-00002.safetensors", …}}
///
/// The weight map is authoritative: each tensor it lists must be in the shard it names, and a
/// tensor a shard holds but the map does not list is not looked up. Shard names must be plain
/// file names in the index's directory (an index cannot point elsewhere on the disk).
public final class SafeTensorsShards: Sendable {
    /// The index file, or the single file: what errors about a missing tensor name.
    public let path: String
    /// The files, in the order of their names (`model-00001-of-…` first).
    public let files: [SafeTensorsFile]
    /// Every tensor name, sorted.
    public let names: [String]
    /// The index's `metadata.total_size` (bytes of tensor data over all shards), when given.
    public let totalSize: Int?
    /// Tensor name → position in `files`.
    private let location: [String: Int]

    /// The model in `directory`: its `model.safetensors.index.json` when there is one, else its
    /// `model.safetensors`.
    public convenience init(directory: String) throws(SafeTensorsError) {
        let index = directory + "/model.safetensors.index.json"
        if access(index, F_OK) == 0 {
            try self.init(indexPath: index)
        } else {
            try self.init(files: [try SafeTensorsFile(path: directory + "/model.safetensors")])
        }
    }

    /// The shards listed by the index at `indexPath`, opened from its directory.
    public init(indexPath: String) throws(SafeTensorsError) {
        path = indexPath
        let map = try Self.readIndex(indexPath)
        let slash = indexPath.utf8.lastIndex(of: UInt8(ascii: "/"))
        let directory = slash.map { String(indexPath[...$0]) } ?? ""
        let shardNames = Set(map.weights.map(\.shard)).sorted()
        var opened = [SafeTensorsFile]()
        var position = [String: Int]()
        for name in shardNames {
            position[name] = opened.count
            opened.append(try SafeTensorsFile(path: directory + name))
        }
        var found = [String: Int]()
        for (tensor, shard) in map.weights {
            let i = position[shard]!
            guard opened[i].tensorsByName[tensor] != nil else { throw .missingTensor(path: opened[i].path, tensor: tensor) }
            found[tensor] = i
        }
        files = opened
        location = found
        names = found.keys.sorted()
        totalSize = map.totalSize
    }

    /// One lookup over `files`; a tensor name in two of them is an error.
    public init(files: [SafeTensorsFile]) throws(SafeTensorsError) {
        var found = [String: Int]()
        for (i, f) in files.enumerated() {
            for t in f.tensors {
                guard found.updateValue(i, forKey: t.name) == nil else { throw .duplicateName(path: f.path, name: t.name) }
            }
        }
        path = files.first?.path ?? "(no files)"
        self.files = files
        location = found
        names = found.keys.sorted()
        totalSize = nil
    }

    /// The file holding `name` and where in it.
    public func tensor(_ name: String) throws(SafeTensorsError) -> (file: SafeTensorsFile, info: SafeTensorInfo) {
        guard let i = location[name] else { throw .missingTensor(path: path, tensor: name) }
        return (files[i], files[i].tensorsByName[name]!)
    }

    /// The bytes of `name` inside its file's mapping (valid while this object lives).
    public func data(_ name: String) throws(SafeTensorsError) -> UnsafeRawBufferPointer {
        let (file, info) = try tensor(name)
        return file.data(of: info)
    }

    /// The values of `name` as f32 (see `SafeTensorsFile.floats`).
    public func floats(_ name: String) throws(SafeTensorsError) -> [Float] {
        let (file, info) = try tensor(name)
        return try file.floats(of: info)
    }

    /// The index's weight map (tensor → shard file name) and total size, checked for shape.
    static func readIndex(_ path: String) throws(SafeTensorsError) -> (weights: [(tensor: String, shard: String)], totalSize: Int?) {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch {
            if case .cannotOpen(_, let reason) = error { throw .cannotOpen(path: path, reason: reason) }
            throw .cannotOpen(path: path, reason: error.description)
        }
        let json: SafeTensorsJSON
        do { json = try SafeTensorsJSON.parse(file.bytes, base: 0) } catch {
            throw .invalidIndex(path: path, reason: "at byte \(error.offset): \(error.reason)")
        }
        guard case .object(let top) = json.value else { throw .invalidIndex(path: path, reason: "not a JSON object") }
        var keys = Set<String>()
        for m in top where !keys.insert(m.key).inserted { throw .invalidIndex(path: path, reason: "\"\(m.key)\" appears twice") }
        var totalSize: Int?
        if let meta = top.first(where: { $0.key == "metadata" })?.value {
            guard case .object(let fields) = meta.value else {
                throw .invalidIndex(path: path, reason: "\"metadata\" is \(meta.kind), expected an object")
            }
            if case .integer(let n)? = fields.first(where: { $0.key == "total_size" })?.value.value { totalSize = n }
        }
        guard let map = top.first(where: { $0.key == "weight_map" })?.value else {
            throw .invalidIndex(path: path, reason: "no \"weight_map\"")
        }
        guard case .object(let entries) = map.value else {
            throw .invalidIndex(path: path, reason: "\"weight_map\" is \(map.kind), expected an object")
        }
        var seen = Set<String>()
        var weights = [(tensor: String, shard: String)]()
        for e in entries {
            guard case .string(let shard) = e.value.value else {
                throw .invalidIndex(path: path, reason: "weight_map entry '\(e.key)' is \(e.value.kind), expected a file name")
            }
            guard !shard.isEmpty, shard != ".", shard != "..", !shard.contains("/"), !shard.utf8.contains(0) else {
                throw .invalidIndex(path: path, reason: "weight_map entry '\(e.key)' names \"\(shard)\", which is not a file name in the index's directory")
            }
            guard seen.insert(e.key).inserted else { throw .invalidIndex(path: path, reason: "tensor '\(e.key)' is listed twice in weight_map") }
            weights.append((e.key, shard))
        }
        return (weights, totalSize)
    }
}
