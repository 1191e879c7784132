import Generation

/// What the server asks of an engine: `Engine` (continuous batching over one model) conforms;
/// tests drive the HTTP edge with scripted doubles.
public protocol GenerationEngine: AnyObject, Sendable {
    /// Queues a request. Ending consumption of the stream cancels the request.
    func submit(_ request: EngineRequest) throws(EngineError) -> AsyncThrowingStream<EngineEvent, Error>
    /// The engine's load, for `/metrics`.
    var metrics: EngineMetrics { get }
    /// Stops taking requests; graceful waits for the running ones.
    func shutdown(graceful: Bool) async
}

/// The model a server serves: its name, what it needs to build prompts, and the engine.
public struct ServedModel: Sendable {
    /// The id reported by `/v1/models` and in every response's `model`.
    public let id: String
    /// Tokenizer and chat template (its `generator` is not used: the engine generates).
    public let languageModel: LanguageModel
    public let engine: any GenerationEngine
    /// Positions one request may hold, prompt and completion together.
    public let contextSize: Int
    /// Unix seconds when the model was loaded (`created` in `/v1/models`).
    public let created: Int

    public init(id: String, languageModel: LanguageModel, engine: any GenerationEngine, contextSize: Int, created: Int) {
        self.id = id; self.languageModel = languageModel; self.engine = engine
        self.contextSize = contextSize; self.created = created
    }
}

extension Engine: GenerationEngine {}
