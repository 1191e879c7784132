#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ModelFiles

/// One document as read, before decoding: checked and encoded on a worker thread.
struct RawDocument: Sendable {
    /// The JSONL line (without its newline) or the whole text file.
    var bytes: [UInt8]
    var format: TokenShardBuilder.InputFormat
    var path: String
    /// The line the document starts on (1-based).
    var line: Int
}

extension TokenShardBuilder {
    /// Streams the documents of one input file to `body`; returns the bytes read. JSONL files
    /// are read in 1 MB chunks, a line at a time; a text file is one document.
    static func readDocuments(path: String, format: InputFormat,
                              _ body: (RawDocument) throws(TokenShardError) -> Void) throws(TokenShardError) -> Int {
        guard case .jsonLines = format else {
            let bytes = try readWholeFile(path)
            try body(RawDocument(bytes: bytes, format: format, path: path, line: 1))
            return bytes.count
        }
        guard let file = fopen(path, "rb") else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var pending = [UInt8]()  // a line cut by the end of a read
        var line = 0, total = 0
        func emit(_ bytes: ArraySlice<UInt8>) throws(TokenShardError) {
            line += 1
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }  // blank
            try body(RawDocument(bytes: Array(bytes), format: format, path: path, line: line))
        }
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 {
                if ferror(file) != 0 { throw .cannotOpen(path: path, reason: "read error after \(total) bytes") }
                break
            }
            total += n
            var start = 0
            for i in 0..<n where buffer[i] == 0x0A {
                if pending.isEmpty {
                    try emit(buffer[start..<i])
                } else {
                    pending.append(contentsOf: buffer[start..<i])
                    try emit(pending[...])
                    pending.removeAll(keepingCapacity: true)
                }
                start = i + 1
            }
            pending.append(contentsOf: buffer[start..<n])
        }
        if !pending.isEmpty { try emit(pending[...]) }
        return total
    }

    /// Makes `directory` (and its parents); refuses one holding a manifest, and removes shards
    /// and temporary files that a killed run left without a manifest.
    static func prepareOutput(_ directory: String) throws(TokenShardError) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for part in directory.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw .writeFailed(path: prefix, reason: String(cString: strerror(errno)))
            }
            prefix += "/"
        }
        if access(directory + "/" + TokenShardManifest.fileName, F_OK) == 0 { throw .outputExists(path: directory) }
        guard let dir = opendir(directory) else {
            throw .writeFailed(path: directory, reason: String(cString: strerror(errno)))
        }
        defer { closedir(dir) }
        var leftovers = [String]()
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if isLeftover(name) { leftovers.append(name) }
        }
        for name in leftovers where unlink(directory + "/" + name) != 0 {
            throw .writeFailed(path: directory + "/" + name, reason: String(cString: strerror(errno)))
        }
    }

    /// Names this builder writes: `<split>-<digits>.bin`, their hidden temporaries, and the
    /// manifest's temporary.
    static func isLeftover(_ name: String) -> Bool {
        if name.hasPrefix(TokenShardManifest.fileName + ".tmp-") { return true }
        var n = Substring(name)
        let hidden = n.hasPrefix(".")
        if hidden { n = n.dropFirst() }
        guard let split = DatasetSplit.allCases.first(where: { n.hasPrefix($0.rawValue + "-") }) else { return false }
        n = n.dropFirst(split.rawValue.count + 1)
        let digits = n.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return false }
        n = n.dropFirst(digits.count)
        return hidden ? n.hasPrefix(".bin.tmp-") : n == ".bin"
    }

    /// Makes the renames into `directory` durable (best effort: not every file system syncs a directory).
    static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }
}

/// The bytes of the file at `path` (ModelFiles' reader, in this module's error).
func readWholeFile(_ path: String) throws(TokenShardError) -> [UInt8] {
    do { return try readFileContents(path) } catch { throw .cannotOpen(path: path, reason: error.reason) }
}
