import Foundation
import Tokenization

/// One conversation of an SFT set (`{"messages":[{"role","content"},...]}`) as tokens, each marked
/// trained (assistant text and the template's end-of-turn after it) or not (system, user, template
/// scaffolding), the mask TRL's `assistant_only_loss` computes.
public struct ChatExample: Sendable, Equatable {
    public var tokens: [Int32]
    /// trained[i]: token i is predicted with loss.
    public var trained: [Bool]

    /// Renders `messages` with `template` and tokenizes it. Each assistant turn is the text the
    /// full render adds after the render of the earlier messages with the generation prompt; the
    /// segments are tokenized one by one (special tokens parsed), so turn boundaries are token boundaries.
    public init(messages: [ChatMessage], template: ChatTemplate, tokenizer: Tokenizer) throws {
        guard messages.contains(where: { $0.role == "assistant" }) else {
            throw TrainingError.badData(path: "messages", reason: "a conversation without an assistant message trains nothing")
        }
        let full = Array(try template.render(messages: messages, addGenerationPrompt: false).utf8)
        // Byte ranges of the assistant turns in the full render.
        var spans: [Range<Int>] = []
        for (i, m) in messages.enumerated() where m.role == "assistant" {
            let before = Array(try template.render(messages: Array(messages[..<i]), addGenerationPrompt: true).utf8)
            let through = Array(try template.render(messages: Array(messages[...i]), addGenerationPrompt: false).utf8)
            guard through.starts(with: before), full.starts(with: through) else {
                throw TrainingError.badData(path: "messages",
                                            reason: "the chat template does not render turn \(i) as an extension of the turns before it")
            }
            spans.append(before.count..<through.count)
        }
        var tokens: [Int32] = [], trained: [Bool] = []
        var cursor = 0
        func add(_ range: Range<Int>, _ isTrained: Bool) {
            guard !range.isEmpty else { return }
            let text = String(decoding: full[range], as: UTF8.self)
            let ids = tokenizer.encode(text, addSpecial: false, parseSpecial: true)
            tokens += ids.map { Int32($0) }
            trained += Array(repeating: isTrained, count: ids.count)
        }
        for span in spans {
            add(cursor..<span.lowerBound, false)
            add(span, true)
            cursor = span.upperBound
        }
        add(cursor..<full.count, false)
        self.tokens = tokens
        self.trained = trained
    }

    public init(tokens: [Int32], trained: [Bool]) {
        precondition(tokens.count == trained.count)
        self.tokens = tokens; self.trained = trained
    }

    /// Reads a `{"messages":[...]}` JSON line.
    public static func messages(fromJSONLine line: String) throws -> [ChatMessage] {
        struct Line: Decodable {
            struct Message: Decodable { let role: String; let content: String }
            let messages: [Message]
        }
        let decoded = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
        return decoded.messages.map { ChatMessage(role: $0.role, content: $0.content) }
    }
}

/// Batches of SFT examples for a context of T tokens: inputs are T tokens, targets the next token
/// where it is trained and −100 elsewhere. Packed: examples follow each other in one stream cut
/// into windows (no padding); unpacked: one example per row, truncated to T + 1 and padded.
public enum SupervisedBatches {
    /// Rows of (T inputs, T targets) from `examples` in order.
    public static func rows(_ examples: [ChatExample], context t: Int, packed: Bool, padToken: Int32)
        -> [(tokens: [Int32], targets: [Int32])] {
        var rows: [(tokens: [Int32], targets: [Int32])] = []
        if packed {
            var stream: [Int32] = [], mask: [Bool] = []
            for e in examples { stream += e.tokens; mask += e.trained }
            var start = 0
            while start + 1 < stream.count {
                let end = min(stream.count, start + t + 1)
                rows.append(row(Array(stream[start..<end]), Array(mask[start..<end]), t, padToken))
                start += t
            }
        } else {
            for e in examples {
                let n = min(e.tokens.count, t + 1)
                rows.append(row(Array(e.tokens[..<n]), Array(e.trained[..<n]), t, padToken))
            }
        }
        return rows
    }

    static func row(_ tokens: [Int32], _ trained: [Bool], _ t: Int, _ pad: Int32) -> (tokens: [Int32], targets: [Int32]) {
        var inputs = Array(tokens.dropLast()), targets: [Int32] = []
        for i in 1..<tokens.count { targets.append(trained[i] ? tokens[i] : -100) }
        while inputs.count < t { inputs.append(pad); targets.append(-100) }
        return (inputs, targets)
    }
}
