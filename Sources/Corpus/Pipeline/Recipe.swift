import Foundation
import Yams

/// A data-pipeline recipe (`tern data run recipe.yaml`): where documents come from, the ordered
/// steps with their parameters, and where the results go.
///
/// ```yaml
/// name: web-en
/// inputs:
///   - path: raw/             # files, folders (recursive) or globs; JSONL (.gz/.zst), .txt/.md/.html, WARC
///     text_key: html          # JSONL field holding the text (default "text")
/// output: out/web-en
/// workers: 2                  # parallel tasks (one per input file)
/// on_error: skip              # skip a bad record (reported with file:line) or fail the run
/// steps:
///   - extract_html: {}
///   - language: {languages: [en]}
///   - gopher_quality: {min_doc_words: 50}
///   - minhash_dedup: {bands: 14, rows: 8}
/// ```
public struct Recipe: Sendable {
    /// One entry of `inputs`.
    public struct Input: Sendable, Equatable {
        public var path: String
        /// `auto` (by extension), `jsonl`, `text` (one document per file) or `warc`.
        public var format: String = "auto"
        public var textKey: String = "text"
        public var idKey: String = "id"
    }

    /// What to do with a record that cannot be read (invalid UTF-8, malformed JSON, too long).
    public enum ErrorPolicy: String, Sendable { case skip, fail }

    /// One entry of `steps`: the step's name and its parameters as written.
    public struct Step: @unchecked Sendable {
        public var name: String
        /// JSON-compatible values (`[String: Any]`, arrays, strings, numbers) or nil.
        public var parameters: Any?
    }

    public var name: String
    public var inputs: [Input]
    public var output: String
    public var workers: Int = 2
    public var onError: ErrorPolicy = .skip
    /// Output compression: `none`, `gzip` or `zstd`.
    public var compression: String = "none"
    public var steps: [Step]
    /// The recipe file (for error messages) and the folder relative paths are resolved against.
    public var file: String
    public var baseDirectory: String
    /// A digest of the recipe text, stored with a run so that a resumed run is the same run.
    public var fingerprint: String

    /// Reads a YAML (or JSON) recipe file.
    public static func load(path: String) throws(CorpusError) -> Recipe {
        guard let data = FileManager.default.contents(atPath: path) else { throw .recipe(file: path, field: "", reason: "cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw .recipe(file: path, field: "", reason: "not UTF-8 text") }
        let base = (path as NSString).deletingLastPathComponent
        return try parse(text, file: path, baseDirectory: base.isEmpty ? "." : base)
    }

    /// Parses recipe text; `file` names it in errors, relative paths resolve against `baseDirectory`.
    public static func parse(_ text: String, file: String, baseDirectory: String) throws(CorpusError) -> Recipe {
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch { throw .recipe(file: file, field: "", reason: "not valid YAML: \(error)") }
        guard let top = root as? [String: Any] else { throw .recipe(file: file, field: "", reason: "the recipe must be a mapping") }
        let known: Set<String> = ["name", "inputs", "output", "workers", "on_error", "compression", "steps"]
        if let unknown = top.keys.sorted().first(where: { !known.contains($0) }) {
            throw .recipe(file: file, field: unknown, reason: "unknown field (expected one of \(known.sorted().joined(separator: ", ")))")
        }
        func string(_ key: String, _ value: Any?) throws(CorpusError) -> String {
            guard let s = value as? String, !s.isEmpty else { throw .recipe(file: file, field: key, reason: "must be a non-empty string") }
            return s
        }
        let inputs = try parseInputs(top["inputs"], file: file)
        let output = try string("output", top["output"])
        var recipe = Recipe(name: (top["name"] as? String) ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension,
                            inputs: inputs, output: output, steps: [], file: file, baseDirectory: baseDirectory,
                            fingerprint: Self.digest(text))
        if let w = top["workers"] {
            guard let n = w as? Int, n >= 1, n <= 256 else { throw .recipe(file: file, field: "workers", reason: "must be an integer from 1 to 256") }
            recipe.workers = n
        }
        if let p = top["on_error"] {
            guard let s = p as? String, let policy = ErrorPolicy(rawValue: s) else { throw .recipe(file: file, field: "on_error", reason: "must be skip or fail") }
            recipe.onError = policy
        }
        if let c = top["compression"] {
            guard let s = c as? String, ["none", "gzip", "zstd"].contains(s) else { throw .recipe(file: file, field: "compression", reason: "must be none, gzip or zstd") }
            recipe.compression = s
        }
        guard let steps = top["steps"] as? [Any] else { throw .recipe(file: file, field: "steps", reason: "must be a list of steps") }
        for (i, entry) in steps.enumerated() {
            if let name = entry as? String {
                recipe.steps.append(Step(name: name, parameters: nil))
            } else if let m = entry as? [String: Any], m.count == 1, let (name, parameters) = m.first {
                recipe.steps.append(Step(name: name, parameters: parameters))
            } else {
                throw .recipe(file: file, field: "steps[\(i)]", reason: "each step is `name: {parameters}` or a bare name")
            }
        }
        return recipe
    }

    static func parseInputs(_ value: Any?, file: String) throws(CorpusError) -> [Input] {
        let list: [Any]
        if let s = value as? String { list = [s] } else if let l = value as? [Any], !l.isEmpty { list = l } else {
            throw .recipe(file: file, field: "inputs", reason: "must be a path or a non-empty list of inputs")
        }
        var out = [Input]()
        for (i, item) in list.enumerated() {
            if let path = item as? String { out.append(Input(path: path)); continue }
            guard let m = item as? [String: Any], let path = m["path"] as? String else {
                throw .recipe(file: file, field: "inputs[\(i)]", reason: "needs a path")
            }
            var input = Input(path: path)
            for (k, v) in m where k != "path" {
                guard let s = v as? String else { throw .recipe(file: file, field: "inputs[\(i)].\(k)", reason: "must be a string") }
                switch k {
                case "format":
                    guard ["auto", "jsonl", "text", "warc"].contains(s) else {
                        throw .recipe(file: file, field: "inputs[\(i)].format", reason: "must be auto, jsonl, text or warc")
                    }
                    input.format = s
                case "text_key": input.textKey = s
                case "id_key": input.idKey = s
                default: throw .recipe(file: file, field: "inputs[\(i)].\(k)", reason: "unknown field (path, format, text_key, id_key)")
                }
            }
            out.append(input)
        }
        return out
    }

    /// A path from the recipe, resolved against the recipe's folder when relative.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
    }

    /// FNV-1a 64 of the text, hex (identifies a recipe's version; not a security hash).
    static func digest(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }
}
