import Tokenization

/// One function call read from a model's output.
public struct ParsedToolCall: Sendable, Equatable {
    /// The function's name.
    public var name: String
    /// The arguments object as the model wrote it (key order kept).
    public var arguments: TemplateValue

    /// A call of `name` with `arguments` (an object).
    public init(name: String, arguments: TemplateValue) {
        self.name = name
        self.arguments = arguments
    }

    /// The call as an assistant message carries it into the next turn's chat template.
    public func toolCall(id: String?) -> ToolCall { ToolCall(id: id, name: name, arguments: arguments) }
}

/// Reads tool calls in the Hermes format that Qwen2.5, Qwen3 and Hermes 2/3 models are trained
/// to write (their chat templates ask for it):
///
///     <tool_call>
///     {"name": "get_weather", "arguments": {"city": "Paris"}}
///     </tool_call>
///
/// one block per call, possibly after some text. Text is fed as it is generated; content is
/// released as soon as it cannot be the start of a call, and each call when its block closes,
/// so a stream shows prose live and every call whole.
///
/// What is not a well-formed call is never lost: a block whose body is not a JSON object with a
/// string `name` comes back as content, tags included. Whitespace right before a block and
/// between blocks is layout and is dropped.
///
/// Small models (Qwen2.5-Coder-0.5B among them) often drop the tags and write the bare object.
/// Given the names of the tools offered, an output that is nothing but such objects (one, or
/// one per line) naming those tools is read as calls too; an output starting with `{` is then
/// held until the end to decide.
public struct HermesToolCallParser: Sendable {
    public static let openTag = "<tool_call>"
    public static let closeTag = "</tool_call>"

    /// What the fed text turned out to be.
    public enum Event: Sendable, Equatable {
        /// Text for the message's `content`.
        case content(String)
        /// A complete call.
        case toolCall(ParsedToolCall)
    }

    /// Text received but not yet released: outside a block, a possible tag start and the
    /// whitespace before it; inside a block, the block's body so far.
    private var pending = ""
    private var inBlock = false
    /// Names for which a bare object counts as a call; empty: tags only.
    public let knownTools: Set<String>
    /// nil until the first non-space character; then whether the output is held as a possible bare call.
    private var holdingBareCall: Bool?
    /// Whether any well-formed call was read (the finish reason is then `tool_calls`).
    public private(set) var sawToolCall = false

    /// A parser at the start of a generation; `knownTools` enables bare-object calls.
    public init(knownTools: Set<String> = []) { self.knownTools = knownTools }

    /// Adds newly generated text; returns what it now certainly is, in order.
    public mutating func push(_ text: String) -> [Event] {
        pending += text
        if holdingBareCall == nil, let first = pending.first(where: { !$0.isWhitespace }) {
            holdingBareCall = first == "{" && !knownTools.isEmpty
        }
        if holdingBareCall != false { return [] }
        var events: [Event] = []
        while true {
            if inBlock {
                guard let close = pending.range(of: Self.closeTag) else { break }
                events.append(blockEvent(String(pending[..<close.lowerBound]), closed: true))
                pending = String(pending[close.upperBound...])
                inBlock = false
            } else if let open = pending.range(of: Self.openTag) {
                let before = String(pending[..<open.lowerBound]).droppingTrailingWhitespace()
                if !before.isEmpty { events.append(.content(before)) }
                pending = String(pending[open.upperBound...])
                inBlock = true
            } else {
                let held = heldSuffixStart(pending)
                let released = String(pending[..<held])
                if !released.isEmpty { events.append(.content(released)) }
                pending = String(pending[held...])
                break
            }
        }
        return Self.merged(events)
    }

    /// Ends the text: releases what was held. A block left open (the output hit its token limit
    /// or ended at the close tag's place) still counts as a call when its body parses.
    public mutating func finish() -> [Event] {
        if holdingBareCall == true {
            holdingBareCall = false
            if let calls = bareCalls(pending) {
                pending = ""
                sawToolCall = true
                return calls.map { .toolCall($0) }
            }
            let text = pending
            pending = ""
            return Self.merged(push(text) + finish())
        }
        defer { pending = ""; inBlock = false }
        if inBlock { return [blockEvent(pending, closed: false)] }
        if pending.isEmpty || (sawToolCall && pending.allSatisfy(\.isWhitespace)) { return [] }
        return [.content(pending)]
    }

    /// Parses a whole output: the content around the calls (nil when only whitespace) and the calls.
    public static func parse(_ text: String, knownTools: Set<String> = []) -> (content: String?, calls: [ParsedToolCall]) {
        var parser = HermesToolCallParser(knownTools: knownTools)
        var content = ""
        var calls: [ParsedToolCall] = []
        for event in parser.push(text) + parser.finish() {
            switch event {
            case .content(let s): content += s
            case .toolCall(let call): calls.append(call)
            }
        }
        return (content.allSatisfy(\.isWhitespace) ? nil : content, calls)
    }

    /// A call when `body` is `{"name": string, "arguments": object}` (also `parameters`, or the
    /// arguments as a JSON string holding an object); else the block's text as content.
    private mutating func blockEvent(_ body: String, closed: Bool) -> Event {
        if let call = Self.parseCall(body) {
            sawToolCall = true
            return .toolCall(call)
        }
        return .content(Self.openTag + body + (closed ? Self.closeTag : ""))
    }

    /// The calls when `text` is one object, or one object per line, each naming a known tool.
    private func bareCalls(_ text: String) -> [ParsedToolCall]? {
        let known: (ParsedToolCall?) -> Bool = { $0.map { knownTools.contains($0.name) } ?? false }
        if let call = Self.parseCall(text), known(call) { return [call] }
        let lines = text.split(separator: "\n").map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }
        let calls = lines.map(Self.parseCall)
        guard lines.count > 1, calls.allSatisfy(known) else { return nil }
        return calls.compactMap { $0 }
    }

    static func parseCall(_ body: String) -> ParsedToolCall? {
        guard let value = try? TemplateValue(json: body), case .object(let object) = value,
              case .string(let name)? = object["name"], !name.isEmpty else { return nil }
        var arguments = object["arguments"] ?? object["parameters"] ?? .object([:])
        if case .string(let s) = arguments, let inner = try? TemplateValue(json: s) { arguments = inner }
        guard arguments.objectValue != nil else { return nil }
        return ParsedToolCall(name: name, arguments: arguments)
    }

    /// Where the text that must wait starts: the longest suffix that could begin the open tag,
    /// and the whitespace before it (dropped if a block follows).
    private func heldSuffixStart(_ text: String) -> String.Index {
        var start = text.endIndex
        let tag = Self.openTag
        for k in stride(from: min(tag.count - 1, text.count), to: 0, by: -1) where text.hasSuffix(tag.prefix(k)) {
            start = text.index(text.endIndex, offsetBy: -k)
            break
        }
        while start > text.startIndex, text[text.index(before: start)].isWhitespace {
            start = text.index(before: start)
        }
        return start
    }

    /// Adjacent content events joined into one.
    private static func merged(_ events: [Event]) -> [Event] {
        var out: [Event] = []
        for event in events {
            if case .content(let s) = event, case .content(let previous)? = out.last {
                out[out.count - 1] = .content(previous + s)
            } else {
                out.append(event)
            }
        }
        return out
    }
}

extension String {
    func droppingTrailingWhitespace() -> String {
        var end = endIndex
        while end > startIndex, self[index(before: end)].isWhitespace { end = index(before: end) }
        return String(self[..<end])
    }
}
