import Foundation

/// Reads a step's parameters from a recipe: the keys the recipe gives (snake_case, as datatrove
/// names them: `min_doc_words`) override the configuration's documented defaults, and a key the
/// configuration does not have is an error rather than silently ignored.
public enum StepConfiguration {
    /// Decodes `T` from `parameters` (a JSON-compatible value from the recipe) over `defaults`.
    /// `path` names the place in the recipe for errors (`steps[3].gopher_quality`).
    public static func decode<T: Codable>(_ type: T.Type, from parameters: Any?, defaults: T,
                                          file: String, path: String) throws(CorpusError) -> T {
        let given: [String: Any]
        switch parameters {
        case nil, is NSNull: given = [:]
        case let d as [String: Any]: given = d
        default: throw .recipe(file: file, field: path, reason: "parameters must be a mapping of name: value")
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            let base = try JSONSerialization.jsonObject(with: encoder.encode(defaults)) as? [String: Any] ?? [:]
            let merged = merge(base, given)
            let value = try decoder.decode(T.self, from: JSONSerialization.data(withJSONObject: merged))
            // A key that decoding did not use would be missing when the value is written back.
            let back = try JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any] ?? [:]
            if let unknown = unknownKeys(given, in: back).first {
                throw CorpusError.recipe(file: file, field: path, reason: "unknown parameter '\(unknown)'")
            }
            return value
        } catch let error as CorpusError {
            throw error
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw .recipe(file: file, field: path + fieldPath(context.codingPath),
                          reason: "wrong type: \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw .recipe(file: file, field: path + fieldPath(context.codingPath),
                          reason: context.debugDescription)
        } catch {
            throw .recipe(file: file, field: path, reason: "\(error)")
        }
    }

    static func merge(_ base: [String: Any], _ over: [String: Any]) -> [String: Any] {
        var out = base
        for (k, v) in over {
            if let b = base[k] as? [String: Any], let o = v as? [String: Any] { out[k] = merge(b, o) } else { out[k] = v }
        }
        return out
    }

    static func unknownKeys(_ given: [String: Any], in back: [String: Any], prefix: String = "") -> [String] {
        var out = [String]()
        for (k, v) in given.sorted(by: { $0.key < $1.key }) {
            guard let b = back[k] else {
                if !(v is NSNull) { out.append(prefix + k) }
                continue
            }
            if let g = v as? [String: Any], let bb = b as? [String: Any] { out += unknownKeys(g, in: bb, prefix: prefix + k + ".") }
        }
        return out
    }
}

/// `.kinds[1]`, `.soft_word_threshold`: a decoding path as the recipe spells it.
func fieldPath(_ path: [any CodingKey]) -> String {
    path.map { key in key.intValue.map { "[\($0)]" } ?? "." + snakeCase(key.stringValue) }.joined()
}

/// `softWordThreshold` → `soft_word_threshold` (recipe spelling of a configuration field).
func snakeCase(_ s: String) -> String {
    var out = ""
    for c in s {
        if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
    }
    return out
}
