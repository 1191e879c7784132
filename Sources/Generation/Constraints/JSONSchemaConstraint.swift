/// Constrains generation to JSON valid against a schema, optionally between a literal prefix
/// and suffix (a forced tool call: `<tool_call>\n` + `{"name": ..., "arguments": {...}}` +
/// `\n</tool_call>`). The engine may end generation once `isComplete`; after the value (and
/// suffix) nothing else may follow.
///
/// Tokens are judged by their text bytes, so a token may span the prefix and the value or
/// several JSON tokens (`{"`, `":`). Special tokens are never allowed. Cheap to create: the
/// token trie and the compiled schema are shared, the state is a few small arrays.
///
/// ```swift
/// let trie = TokenTrie(tokenizer: tokenizer)                    // once per model
/// let schema = try JSONSchema(json: #"{"type": "object", ...}"#)  // once per request
/// request.constraint = JSONSchemaConstraint(tokens: trie, schema: schema)
/// ```
public struct JSONSchemaConstraint: TokenConstraint {
    /// The vocabulary's token bytes.
    public let tokens: TokenTrie
    var matcher: JSONMatcher

    /// One JSON value valid against `schema`; the default is any JSON object (OpenAI's
    /// `response_format: {"type": "json_object"}`).
    public init(tokens: TokenTrie, schema: JSONSchema = .anyObject) {
        self.tokens = tokens
        matcher = JSONMatcher(schema: schema)
    }

    /// `prefix`, then one JSON value valid against `schema`, then `suffix`, exactly.
    public init(tokens: TokenTrie, prefix: String, schema: JSONSchema, suffix: String) {
        self.tokens = tokens
        matcher = JSONMatcher(schema: schema, prefix: Array(prefix.utf8), suffix: Array(suffix.utf8))
    }

    /// Whether `token`'s text may come next (never for a token without text).
    public func allows(_ token: Int) -> Bool {
        let bytes = tokens.bytes(of: token)
        return !bytes.isEmpty && matcher.accepts(bytes)
    }

    /// Every token whose text may come next, by a walk of the token trie.
    public func allowedTokens(into mask: inout [Bool]) {
        matcher.allowedTokens(in: tokens, into: &mask)
    }

    /// Moves past `token`. A token without text (an end-of-generation token the engine let
    /// through) changes nothing; a text token that `allows` refuses leaves nothing allowed.
    public mutating func accept(_ token: Int) {
        let bytes = tokens.bytes(of: token)
        if !bytes.isEmpty { matcher.advance(bytes) }
    }

    /// The value (and the suffix) is complete: generation may end here.
    public var isComplete: Bool { matcher.isComplete }

    /// The value (and the suffix) is complete and no text may follow.
    public var mustEnd: Bool { matcher.mustEnd }
}
