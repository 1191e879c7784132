/// The readers and writers of this folder as the run's seams (`CorpusRun.FileAccess`): input
/// units from a recipe's inputs, a `DocumentSource` over any reader, a `DocumentSink` over the
/// JSONL writer.

extension CorpusInputError {
    /// The run's error: a bad record is `.input(file, line, reason)`; a broken stream is
    /// `.input` at its last good line; a missing or unreadable path is `.io`.
    public var corpusError: CorpusError {
        switch problem {
        case .notFound, .io, .wrongKind: return .io(path: file, reason: problem.description)
        case .truncated(let last), .corruptStream(_, let last): return .input(file: file, line: last, reason: problem.description)
        default: return .input(file: file, line: line, reason: problem.description)
        }
    }

    /// True when nothing after this point of the file can be read.
    var endsTheFile: Bool {
        switch problem {
        case .truncated, .corruptStream, .notFound, .io: return true
        default: return false
        }
    }
}

/// A reader as a `DocumentSource`: every skipped record is a `.bad` item in input order (the run
/// applies the recipe's `on_error`); a truncated or corrupt stream comes after the documents
/// before it as the last item, naming the file and its last good line (skipped: the file ends
/// there; under `fail` the run stops).
public struct ReaderSource: DocumentSource {
    private let reader: any DocumentReader
    private var pending: [CorpusInputError] = []
    private var pendingIndex = 0
    private var document: Document?
    private var finished = false

    /// Wraps `reader`, which should use `onError: .skip` so that bad records come out as items.
    public init(_ reader: any DocumentReader) { self.reader = reader }

    /// Opens `unit` with the recipe input's format and keys (records are skipped-and-reported).
    public init(unit: CorpusRun.InputUnit, options: ReaderOptions = ReaderOptions()) throws(CorpusError) {
        var options = options
        options.textKey = unit.input.textKey
        options.idKey = unit.input.idKey
        options.onError = .skip
        do { reader = try InputDiscovery.inputFile(for: unit).openReader(options: options) } catch { throw error.corpusError }
    }

    public mutating func next() throws(CorpusError) -> SourceItem? {
        while true {
            if pendingIndex < pending.count {
                let issue = pending[pendingIndex]
                pendingIndex += 1
                if issue.endsTheFile {
                    finished = true
                    document = nil
                    pending = []
                    pendingIndex = 0
                }
                return .bad(issue.corpusError)
            }
            if let d = document { document = nil; return .document(d) }
            if finished { return nil }
            do { document = try reader.next() } catch {
                guard error.endsTheFile else { throw error.corpusError }
                finished = true
                return .bad(error.corpusError)
            }
            finished = document == nil
            pending = reader.takeSkipped()
            pendingIndex = 0
        }
    }
}

/// The JSONL writer as a `DocumentSink`: the file (and its folder) is created on the first
/// document, or by `finish()` when `keepEmpty` (an empty file tells the next stage "nothing").
public struct JSONLSink: DocumentSink {
    public let path: String
    public let compression: Compression
    public let keepEmpty: Bool
    private var writer: JSONLWriter?

    public init(path: String, compression: Compression, keepEmpty: Bool = true) {
        self.path = path
        self.compression = compression
        self.keepEmpty = keepEmpty
    }

    public mutating func write(_ document: Document) throws(CorpusError) {
        do {
            if writer == nil { writer = try open() }
            try writer?.write(document)
        } catch { throw .io(path: path, reason: error.message) }
    }

    public mutating func finish() throws(CorpusError) {
        do {
            if writer == nil && keepEmpty { writer = try open() }
            try writer?.finish()
        } catch { throw .io(path: path, reason: error.message) }
    }

    public mutating func discard() {
        writer?.discard()
        writer = nil
    }

    private func open() throws(CorpusOutputError) -> JSONLWriter {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex { try ShardedJSONLWriter.makeFolder(String(path[..<slash])) }
        return try JSONLWriter(path: path, compression: compression)
    }
}

extension Compression {
    /// A recipe's `compression` value: "none", "gzip" (or "gz"), "zstd" (or "zst"); nil otherwise.
    public init?(recipeName: String) {
        switch recipeName.lowercased() {
        case "none", "": self = .none
        case "gzip", "gz": self = .gzip
        case "zstd", "zst": self = .zstd
        default: return nil
        }
    }
}

extension InputDiscovery {
    /// The input units of a recipe: each input's path (resolved against the recipe's folder)
    /// expanded into files, sorted by path within each input, without duplicates across inputs.
    public static func units(for recipe: Recipe) throws(CorpusError) -> [CorpusRun.InputUnit] {
        var seen = Set<String>()
        var units = [CorpusRun.InputUnit]()
        for input in recipe.inputs {
            var resolved = input
            resolved.path = recipe.resolve(input.path)
            let files: [InputFile]
            do { files = try discover([resolved.path]) } catch { throw error.corpusError }
            for file in files where seen.insert(file.path).inserted {
                units.append(CorpusRun.InputUnit(path: file.path, input: resolved, bytes: Int(file.size)))
            }
        }
        return units
    }

    /// The `InputFile` a unit names: its kind from the input's `format` (`auto`: by extension,
    /// JSONL when the name says nothing), its name relative to the input's folder.
    public static func inputFile(for unit: CorpusRun.InputUnit) throws(CorpusInputError) -> InputFile {
        let fileName = String(unit.path.split(separator: "/").last ?? Substring(unit.path))
        let classified = InputFile.classify(fileName)
        let compression = Compression.inferred(from: fileName)
        let kind: InputFile.Kind
        switch unit.input.format {
        case "jsonl": kind = .jsonl
        case "warc": kind = .warc
        case "text": kind = classified.map { [.html, .markdown].contains($0.kind) ? $0.kind : .text } ?? .text
        default: kind = classified?.kind ?? .jsonl
        }
        let folder = unit.input.path.hasSuffix("/") ? unit.input.path : unit.input.path + "/"
        let name = unit.path.hasPrefix(folder) ? String(unit.path.dropFirst(folder.count)) : unit.path
        return InputFile(path: unit.path, name: name, kind: kind, compression: kind == .jsonl || kind == .warc ? compression : .none,
                         size: Int64(unit.bytes))
    }
}

extension CorpusRun.FileAccess {
    /// Real files through this folder's readers and writers: inputs by kind, stage files as
    /// plain JSONL, sinks as atomic (optionally compressed) JSONL that always appear on `finish()`.
    public static func standard(options: ReaderOptions = ReaderOptions()) -> CorpusRun.FileAccess {
        .init(openInput: { (unit) throws(CorpusError) in try ReaderSource(unit: unit, options: options) },
              openStageFile: { (path) throws(CorpusError) in
                  do throws(CorpusInputError) { return ReaderSource(try JSONLReader(path: path, compression: Compression.none)) }
                  catch { throw error.corpusError }
              },
              makeSink: { (path, compression) throws(CorpusError) in
                  guard let c = Compression(recipeName: compression) else { throw .io(path: path, reason: "unknown compression \"\(compression)\"") }
                  return JSONLSink(path: path, compression: c)
              })
    }
}

extension CorpusRun {
    /// A run of `recipe` as `tern data run` makes it: steps planned from the catalog, inputs
    /// discovered, real files (bad records come out as items; the recipe's `on_error` decides).
    public convenience init(recipe: Recipe, showProgress: Bool = false) throws(CorpusError) {
        self.init(recipe: recipe, plan: try StepCatalog.plan(for: recipe), units: try InputDiscovery.units(for: recipe),
                  files: .standard(), showProgress: showProgress)
    }
}
