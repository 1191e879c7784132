import Corpus
import Foundation
import ModelFiles

/// A document ready to be chunked: its text and where it came from.
public struct SourceDocument: Sendable, Equatable {
    /// The store's key for the document: the file path, or `path#id` for a JSONL record.
    public var source: String
    /// A title when the file has one (HTML `<title>`, JSONL `title`, a Markdown file's first heading).
    public var title: String?
    public var text: String
    /// `text`, `markdown`, `html` or `jsonl`.
    public var format: SourceFormat
    /// Fields to filter searches by (a JSONL record's other fields, scalars as text).
    public var metadata: [String: String]

    public init(source: String, title: String? = nil, text: String, format: SourceFormat, metadata: [String: String] = [:]) {
        self.source = source
        self.title = title
        self.text = text
        self.format = format
        self.metadata = metadata
    }
}

/// The file kinds the loader reads: Corpus' `InputFile.Kind` (told by extension, as `tern data
/// run` tells them) without WARC.
public typealias SourceFormat = InputFile.Kind

/// Why a file or a record was not indexed. Each names the file (and line for JSONL) and the problem.
public struct IngestionIssue: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var problem: Problem

    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        case unreadable(String)
        case unsupportedKind
        case binary(offset: Int)
        case invalidUTF8(offset: Int)
        case empty
        case tooLarge(bytes: Int, limit: Int)
        case record(String)

        public var description: String {
            switch self {
            case .unreadable(let why): return "cannot read: \(why)"
            case .unsupportedKind: return "not a .txt, .md, .html or .jsonl(.gz/.zst) file; skipped"
            case .binary(let offset): return "binary file (NUL byte at offset \(offset)); skipped"
            case .invalidUTF8(let offset): return "invalid UTF-8 at byte \(offset); skipped"
            case .empty: return "empty document (no text after extraction); nothing to index"
            case .tooLarge(let bytes, let limit):
                return "document is \(bytes) bytes, over the \(limit)-byte limit (--max-document-bytes); skipped"
            case .record(let why): return why
            }
        }
    }

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}

/// Reads .txt, .md, .html and JSONL files into `SourceDocument`s, refusing what cannot be text:
/// binary files (a NUL byte in the first 8 KiB), invalid UTF-8 (with the byte offset), empty
/// documents and files over a size limit. HTML goes through Corpus' main-text extractor.
public struct SourceLoader: Sendable {
    /// Largest document accepted, in bytes (default 32 MiB: about 16,000 chunks to embed).
    public var maxDocumentBytes: Int
    /// JSONL field holding the text (default `text`); `id` names the record, `title` titles it.
    public var textKey: String

    public init(maxDocumentBytes: Int = 32 << 20, textKey: String = "text") {
        self.maxDocumentBytes = maxDocumentBytes
        self.textKey = textKey
    }

    /// The kinds this loader reads.
    static let formats: Set<SourceFormat> = [.text, .markdown, .html, .jsonl]

    /// Every loadable file under `paths`, as `InputDiscovery` finds them (files as given,
    /// folders walked recursively, hidden entries skipped, sorted, no repeats), with paths
    /// standardised first so that "docs", "./docs" and "docs/" give the same sources. A path that
    /// does not exist, or a file named directly that is not .txt/.md/.html/.jsonl, is an issue.
    public func files(under paths: [String]) -> (files: [String], issues: [IngestionIssue]) {
        var found = Set<String>(), issues = [IngestionIssue]()
        for path in paths.map({ ($0 as NSString).standardizingPath }) {
            do {
                for file in try InputDiscovery.discover([path]) {
                    guard let (kind, _) = InputFile.classify((file.path as NSString).lastPathComponent), Self.formats.contains(kind) else {
                        issues.append(IngestionIssue(path: file.path, problem: .unsupportedKind))
                        continue
                    }
                    found.insert(file.path)
                }
            } catch {
                let why = error.problem == .notFound ? "no such file or folder" : error.problem.description
                issues.append(IngestionIssue(path: path, problem: .unreadable(why)))
            }
        }
        return (found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, issues)
    }

    /// The documents of one file, and what was skipped in it.
    public func load(path: String) -> (documents: [SourceDocument], issues: [IngestionIssue]) {
        guard let (format, _) = InputFile.classify((path as NSString).lastPathComponent), Self.formats.contains(format) else {
            return ([], [IngestionIssue(path: path, problem: .unsupportedKind)])
        }
        if format == .jsonl { return loadJSONL(path: path) }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maxDocumentBytes {
            return ([], [IngestionIssue(path: path, problem: .tooLarge(bytes: size, limit: maxDocumentBytes))])
        }
        let bytes: [UInt8]
        do { bytes = try readFileContents(path) } catch { return ([], [IngestionIssue(path: path, problem: .unreadable(error.reason))]) }
        switch document(bytes: bytes, source: path, format: format) {
        case .success(let doc): return ([doc], [])
        case .failure(let issue): return ([], [issue])
        }
    }

    /// One document from a file's bytes, checked and converted to plain text.
    public func document(bytes: [UInt8], source: String, format: SourceFormat) -> Result<SourceDocument, IngestionIssue> {
        if bytes.count > maxDocumentBytes {
            return .failure(IngestionIssue(path: source, problem: .tooLarge(bytes: bytes.count, limit: maxDocumentBytes)))
        }
        if let nul = bytes.prefix(8192).firstIndex(of: 0) { return .failure(IngestionIssue(path: source, problem: .binary(offset: nul))) }
        var title: String?
        var text: String
        if format == .html {
            let page = Self.extractor.extract(bytes)
            title = page.title
            // One extracted block per line (headings as Markdown): make each a block for the structure chunker.
            text = page.text.split(separator: "\n", omittingEmptySubsequences: true).joined(separator: "\n\n")
        } else {
            if let bad = bytes.withUnsafeBytes({ UTF8Validation.firstInvalidOffset($0) }) {
                return .failure(IngestionIssue(path: source, problem: .invalidUTF8(offset: bad)))
            }
            text = String(decoding: bytes, as: UTF8.self)
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            if format == .markdown { title = Self.firstHeading(text) }
        }
        guard text.contains(where: { !$0.isWhitespace }) else { return .failure(IngestionIssue(path: source, problem: .empty)) }
        return .success(SourceDocument(source: source, title: title, text: text, format: format))
    }

    private func loadJSONL(path: String) -> (documents: [SourceDocument], issues: [IngestionIssue]) {
        var options = ReaderOptions()
        options.textKey = textKey
        options.maxRecordBytes = maxDocumentBytes
        options.skipEmptyText = false
        var docs = [SourceDocument](), issues = [IngestionIssue]()
        let reader: JSONLReader
        do { reader = try JSONLReader(path: path, options: options) } catch {
            return ([], [IngestionIssue(path: path, problem: .unreadable(error.problem.description))])
        }
        var seen = [String: Int]()
        while true {
            let next: Document?
            do { next = try reader.next() } catch { issues.append(IngestionIssue(path: path, problem: .record(error.description))); break }
            for skipped in reader.takeSkipped() {
                issues.append(IngestionIssue(path: path, problem: .record("line \(skipped.line): \(skipped.problem)")))
            }
            guard let doc = next else { break }
            // Records without an id are named by their line; a repeated id gets its line too.
            // (The reader names an id-less record `path/index`.)
            var key = doc.id.isEmpty || doc.id.hasPrefix(path + "/") ? "line\(doc.origin.line)" : doc.id
            if seen[key] != nil { key += "@line\(doc.origin.line)" }
            seen[key] = doc.origin.line
            let source = "\(path)#\(key)"
            guard doc.text.contains(where: { !$0.isWhitespace }) else {
                issues.append(IngestionIssue(path: "\(path):\(doc.origin.line)", problem: .empty))
                continue
            }
            var title: String?
            if case .string(let t)? = doc[metadata: "title"] { title = t }
            var metadata = [String: String]()
            for (key, value) in doc.metadata {
                switch value {
                case .string(let s): metadata[key] = s
                case .number, .bool: metadata[key] = String(decoding: value.serialized(), as: UTF8.self)
                default: continue
                }
            }
            docs.append(SourceDocument(source: source, title: title, text: doc.text, format: .jsonl, metadata: metadata))
        }
        return (docs, issues)
    }

    /// The first Markdown `#` heading's text.
    static func firstHeading(_ text: String) -> String? {
        for line in text.split(separator: "\n", maxSplits: 200).prefix(200) where line.hasPrefix("#") {
            let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
            if !title.isEmpty { return title }
        }
        return nil
    }

    /// The default configuration is valid by construction, so this cannot fail.
    private static let extractor: HTMLExtractor = {
        var configuration = HTMLExtractionConfiguration()
        configuration.markdownHeadings = true
        guard let extractor = try? HTMLExtractor(configuration: configuration) else { fatalError("HTMLExtractor's default configuration is invalid") }
        return extractor
    }()
}
