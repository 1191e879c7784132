#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One input file: a unit of work for the executor.
public struct InputFile: Sendable, Hashable, Codable {
    /// What a file holds, from its name.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// JSONL records (`.jsonl`, `.ndjson`, `.json`; optionally `.gz` / `.zst`).
        case jsonl
        /// WARC archive (`.warc`, `.warc.gz`).
        case warc
        /// One document per file: `.html`, `.htm`.
        case html
        /// One document per file: `.md`, `.markdown`.
        case markdown
        /// One document per file: `.txt`.
        case text
    }

    /// The path to open.
    public var path: String
    /// The name in ids and messages: the path relative to the folder it was found in, or the
    /// path as given for a file named directly.
    public var name: String
    public var kind: Kind
    public var compression: Compression
    /// Size on disk in bytes (compressed size for compressed files).
    public var size: Int64

    public init(path: String, name: String, kind: Kind, compression: Compression, size: Int64) {
        self.path = path; self.name = name; self.kind = kind; self.compression = compression; self.size = size
    }

    /// The kind and compression a file name says, or nil for names no reader takes.
    public static func classify(_ fileName: String) -> (kind: Kind, compression: Compression)? {
        let compression = Compression.inferred(from: fileName)
        var base = Substring(fileName.lowercased())
        if let dot = base.lastIndex(of: "."), compression != .none { base = base[..<dot] }
        guard let dot = base.lastIndex(of: ".") else { return nil }
        let kind: Kind
        switch base[base.index(after: dot)...] {
        case "jsonl", "ndjson", "json": kind = .jsonl
        case "warc": kind = .warc
        case "html", "htm": kind = .html
        case "md", "markdown": kind = .markdown
        case "txt": kind = .text
        default: return nil
        }
        // Text files are read whole and uncompressed.
        if compression != .none && kind != .jsonl && kind != .warc { return nil }
        return (kind, compression)
    }

    /// A reader over this file with `options`.
    public func openReader(options: ReaderOptions = ReaderOptions()) throws(CorpusInputError) -> any DocumentReader {
        switch kind {
        case .jsonl: return try JSONLReader(path: path, name: name, compression: compression, options: options)
        case .warc: return try WARCReader(path: path, name: name, compression: compression, options: options)
        case .html, .markdown, .text: return TextFileReader(files: [self], options: options)
        }
    }
}

/// Expands paths, globs and folders into the sorted list of input files.
public enum InputDiscovery {
    /// Each item is a file (taken whatever its name, as JSONL unless its name says otherwise), a
    /// folder (searched recursively for files whose names a reader takes, hidden names skipped), or
    /// a glob (`*`, `?`, `[…]`, expanded by glob(3)). The result is sorted by path (byte order)
    /// without duplicates. A path that does not exist, or a glob that matches nothing, is an error.
    public static func discover(_ items: [String], kinds: Set<InputFile.Kind>? = nil) throws(CorpusInputError) -> [InputFile] {
        var found = [String: InputFile]()
        for item in items {
            let paths = isGlob(item) ? try expandGlob(item) : [item]
            for path in paths {
                for file in try files(at: path, named: !isGlob(item)) where kinds?.contains(file.kind) ?? true {
                    found[file.path] = file
                }
            }
        }
        return found.values.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    static func isGlob(_ s: String) -> Bool { s.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    static func expandGlob(_ pattern: String) throws(CorpusInputError) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(pattern, 0, nil, &g) == 0 else { throw CorpusInputError(file: pattern, line: 0, problem: .notFound) }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
    }

    /// The input files at `path`: itself, or the readable files under it when it is a folder.
    /// `named` files (given by the user, not matched) are taken even with an unknown extension.
    static func files(at path: String, named: Bool) throws(CorpusInputError) -> [InputFile] {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw CorpusInputError(file: path, line: 0, problem: errno == ENOENT ? .notFound : .io(errnoMessage()))
        }
        if (st.st_mode & S_IFMT) != S_IFDIR {
            let name = String(path.split(separator: "/").last ?? Substring(path))
            guard let (kind, compression) = InputFile.classify(name) ?? (named ? (.jsonl, .inferred(from: name)) : nil) else { return [] }
            return [InputFile(path: path, name: path, kind: kind, compression: compression, size: Int64(st.st_size))]
        }
        var out = [InputFile]()
        let root = path.hasSuffix("/") ? String(path.dropLast()) : path
        walk(root, relative: "", into: &out)
        return out
    }

    /// Recursive walk (symbolic links to folders are not followed, to avoid cycles; plain
    /// `.json` files are skipped).
    private static func walk(_ dir: String, relative: String, into out: inout [InputFile]) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for entry in entries where !entry.hasPrefix(".") {
            let path = dir + "/" + entry, rel = relative.isEmpty ? entry : relative + "/" + entry
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR { walk(path, relative: rel, into: &out); continue }
            if (st.st_mode & S_IFMT) == S_IFLNK { guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue } }
            guard let (kind, compression) = InputFile.classify(entry) else { continue }
            // In a folder, a plain `.json` file is usually not JSONL (a manifest, stats): only
            // `.jsonl`/`.ndjson` and compressed `.json.gz`/`.json.zst` (C4's naming) are taken.
            // Named explicitly or by a glob, a `.json` file is read as JSONL.
            if entry.lowercased().hasSuffix(".json") { continue }
            out.append(InputFile(path: path, name: rel, kind: kind, compression: compression, size: Int64(st.st_size)))
        }
    }
}
