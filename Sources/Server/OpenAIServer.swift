import Foundation
import Generation
import Hummingbird
import Logging
import ServiceLifecycle
import Tokenization
import UnixSignals

/// Where and how the server listens.
public struct OpenAIServerConfiguration: Sendable {
    /// The address to bind (loopback by default: exposing the server is a choice).
    public var host = "127.0.0.1"
    /// 0 picks a free port (reported by `onListening`).
    public var port = 8080
    /// Keys accepted as `Authorization: Bearer <key>`; empty: no authentication.
    public var apiKeys: [String] = []
    /// What one request may ask.
    public var limits = ServerLimits()
    /// Seconds running requests may take to finish after SIGINT/SIGTERM before they are cancelled.
    public var shutdownGracePeriod: Double = 30

    /// Loopback port 8080, no keys, default limits.
    public init() {}
}

/// The OpenAI-compatible HTTP server: routes, auth, limits, metrics, over one served model.
public struct OpenAIServer: Sendable {
    public let configuration: OpenAIServerConfiguration
    /// The served model (or why there is none yet).
    public let slot: ModelSlot
    /// What `/metrics` reports besides the engine's own figures.
    public let metrics = ServerMetrics()
    /// The model of `/v1/embeddings` (none: that route answers 404).
    public let embeddings: EmbeddingService?
    let logger: Logger

    /// A server over `slot` (empty: `run` fills it); `logger` defaults to `tern.serve` at LOG_LEVEL.
    public init(configuration: OpenAIServerConfiguration, slot: ModelSlot = ModelSlot(), embeddings: EmbeddingService? = nil,
                logger: Logger? = nil) {
        self.configuration = configuration
        self.slot = slot
        self.embeddings = embeddings
        self.logger = logger ?? {
            var logger = Logger(label: "tern.serve")
            // LOG_LEVEL (trace ... critical), as Hummingbird reads it for its own logger.
            if let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) {
                logger.logLevel = level
            }
            return logger
        }()
    }

    /// Every route behind the middleware: response metrics, then OpenAI error bodies, then keys.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ResponseMetricsMiddleware(metrics: metrics))
        router.add(middleware: APIErrorMiddleware())
        router.add(middleware: APIKeyMiddleware(keys: configuration.apiKeys))
        let limits = configuration.limits
        let chat = ChatCompletionsEndpoint(slot: slot, limits: limits, metrics: metrics)
        let completions = CompletionsEndpoint(slot: slot, limits: limits, metrics: metrics)
        let tokenize = TokenizeEndpoints(slot: slot)
        let embed = EmbeddingsEndpoint(service: embeddings)
        let slot = slot, metrics = metrics, embeddingID = embeddings?.id

        router.post("/v1/chat/completions") { request, _ in
            var request = request
            let body = try await Self.collectBody(&request, limit: limits.maxBodyBytes)
            return try await chat.respond(to: request, body: body)
        }
        router.post("/v1/completions") { request, _ in
            var request = request
            let body = try await Self.collectBody(&request, limit: limits.maxBodyBytes)
            return try await completions.respond(to: request, body: body)
        }
        router.post("/tokenize") { request, _ in
            var request = request
            return try tokenize.tokenize(body: try await Self.collectBody(&request, limit: limits.maxBodyBytes))
        }
        router.post("/detokenize") { request, _ in
            var request = request
            return try tokenize.detokenize(body: try await Self.collectBody(&request, limit: limits.maxBodyBytes))
        }
        router.post("/v1/embeddings") { request, _ in
            var request = request
            return try await embed.respond(body: try await Self.collectBody(&request, limit: limits.maxBodyBytes))
        }
        router.get("/v1/models") { _, _ in
            let model = try slot.model()
            var entries: [TemplateValue] = [["id": .string(model.id), "object": "model", "created": .int(model.created),
                                             "owned_by": "tern", "max_model_len": .int(model.contextSize)]]
            if let embeddingID {
                entries.append(["id": .string(embeddingID), "object": "model", "created": .int(model.created), "owned_by": "tern"])
            }
            return Response.json(["object": "list", "data": .array(entries)])
        }
        router.get("/health") { _, _ in
            _ = try slot.model()
            return Response.json(["status": "ok"])
        }
        router.get("/metrics") { _, _ in
            var engine: EngineMetrics? = nil
            if case .ready(let model) = slot.current { engine = model.engine.metrics }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: metrics.prometheusText(engine: engine))))
        }
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: WebPage.html)))
        }
        return router
    }

    /// The request body as text; 413 past `limit` bytes (refused from `Content-Length` before
    /// reading when the client sends one).
    static func collectBody(_ request: inout Request, limit: Int) async throws -> String {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError.bodyTooLarge(limit: limit)
        }
        do {
            return String(buffer: try await request.collectBody(upTo: limit))
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            throw APIError.bodyTooLarge(limit: limit)
        }
    }

    /// The Hummingbird application; `onListening` gets the bound port.
    public func makeApplication(onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        -> Application<RouterResponder<BasicRequestContext>> {
        Application(router: makeRouter(),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
                    onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }

    /// Listens at once, loads the model with `load` meanwhile (503 until then), serves until
    /// SIGINT or SIGTERM, then stops accepting, lets running requests finish for up to
    /// `shutdownGracePeriod` seconds (then cancels them) and shuts the engine down.
    public func run(load: @escaping @Sendable () throws -> ServedModel,
                    onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = makeApplication(onListening: onListening)
        let loader = ModelService(slot: slot, load: load, logger: logger)
        // Shut down in reverse order: the HTTP server drains first, then the engine stops.
        var group = ServiceGroupConfiguration(services: [.init(service: loader), .init(service: app)],
                                              gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .milliseconds(Int64(configuration.shutdownGracePeriod * 1000))
        group.maximumCancellationDuration = .seconds(10)
        try await ServiceGroup(configuration: group).run()
    }
}
