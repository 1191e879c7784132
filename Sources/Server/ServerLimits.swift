/// What one request may ask of the server. Over a limit, the request is refused with OpenAI's
/// error body: 413 for the body size, 400 (naming the field) for the rest; a full engine queue
/// is 429.
public struct ServerLimits: Codable, Sendable, Equatable {
    /// Largest request body in bytes: room for a long conversation with tool schemas (8 MiB).
    public var maxBodyBytes = 8 << 20
    /// Longest prompt in tokens; nil: whatever fits the context with one token to spare.
    public var maxPromptTokens: Int? = nil
    /// Largest `max_tokens` a request may ask for; nil: no limit beyond the context.
    public var maxTokensLimit: Int? = nil
    /// Most completions per request (`n`, and prompts × n for legacy completions): each one is
    /// an engine request, so this bounds what one client can queue at once.
    public var maxChoices = 64

    /// The defaults above.
    public init() {}
}
