import Foundation
import ModelFiles
import Tokenization

/// A fine-tuning set read from JSONL: `{"messages":[...]}` conversations (SFT) or
/// `{"prompt","chosen","rejected"}` pairs (DPO), rendered with a chat template and tokenized;
/// every k-th record held out for validation.
public enum ChatDataset {
    /// Reads the lines of `path`; `parse` turns one line into a value, errors name file and line.
    static func lines<T>(_ path: String, _ parse: (String) throws -> T) throws -> [T] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw TrainingError.badData(path: path, reason: "cannot read as UTF-8 text: \(error.localizedDescription)")
        }
        var out: [T] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do { out.append(try parse(String(line))) } catch {
                throw TrainingError.badData(path: "\(path):\(i + 1)", reason: "\(error)")
            }
        }
        guard !out.isEmpty else { throw TrainingError.badData(path: path, reason: "no records") }
        return out
    }

    /// Splits `items` into (train, held out): item i is held out when i % k == k − 1.
    static func split<T>(_ items: [T], fraction: Float) -> (train: [T], held: [T]) {
        guard fraction > 0, items.count > 1 else { return (items, []) }
        let k = max(2, Int((1 / fraction).rounded()))
        var train: [T] = [], held: [T] = []
        for (i, x) in items.enumerated() { if i % k == k - 1 { held.append(x) } else { train.append(x) } }
        return (train, held)
    }

    /// SFT examples of a messages file.
    public static func conversations(_ path: String, template: ChatTemplate, tokenizer: Tokenizer) throws -> [ChatExample] {
        try lines(path) { line in
            try ChatExample(messages: ChatExample.messages(fromJSONLine: line), template: template, tokenizer: tokenizer)
        }
    }

    /// A preference pair: the prompt as a user turn, each response as the assistant's.
    public struct PreferencePair: Sendable {
        public var chosen: ChatExample
        public var rejected: ChatExample
    }

    /// DPO pairs of a `{"prompt","chosen","rejected"}` file.
    public static func preferences(_ path: String, template: ChatTemplate, tokenizer: Tokenizer) throws -> [PreferencePair] {
        struct Line: Decodable { let prompt: String; let chosen: String; let rejected: String }
        return try lines(path) { line in
            let l = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
            func example(_ response: String) throws -> ChatExample {
                try ChatExample(messages: [.user(l.prompt), .assistant(response)], template: template, tokenizer: tokenizer)
            }
            return PreferencePair(chosen: try example(l.chosen), rejected: try example(l.rejected))
        }
    }
}
