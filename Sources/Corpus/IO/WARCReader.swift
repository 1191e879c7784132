import ModelFiles

/// Reads web pages from a WARC file (`.warc`, or `.warc.gz` with one gzip member per record):
/// one document per `response` record whose HTTP payload is HTML, per `resource` record whose
/// Content-Type is HTML, and per `conversion` record of text/plain (WET). Others are passed over.
///
/// id = WARC-Record-ID; metadata `url` (WARC-Target-URI), `date` (WARC-Date) as datatrove's
/// WarcReader writes them, then `format` ("html" or "text") for the extraction step. The payload
/// type is WARC-Identified-Payload-Type when the record has it, else the Content-Type (datatrove
/// sniffs the bytes with libmagic instead). Bodies that are not UTF-8 are read as windows-1252
/// when the charset is Latin-1-like or undeclared; other charsets are reported, not guessed.
public final class WARCReader: DocumentReader {
    /// The name used in error messages.
    public let name: String
    private let options: ReaderOptions
    private let input: BufferedByteReader
    private var log: IssueLog
    private var ended = false
    /// 1-based number of the last record read (of every type).
    public private(set) var recordNumber = 0
    /// Records read to their end (the last good one, when the stream breaks).
    private var completedRecords = 0

    /// Opens `path`, decompressing as its name says unless `compression` is given.
    public init(path: String, name: String? = nil, compression: Compression? = nil,
                options: ReaderOptions = ReaderOptions()) throws(CorpusInputError) {
        self.name = name ?? path
        self.options = options
        input = BufferedByteReader(source: try openByteSource(path: path, compression: compression ?? .inferred(from: path)))
        log = IssueLog(policy: options.onError)
    }

    public var skipped: [CorpusInputError] { log.skipped }
    public func takeSkipped() -> [CorpusInputError] { log.take() }

    public func next() throws(CorpusInputError) -> Document? {
        while !ended {
            do {
                guard let header = try readHeader() else { ended = true; return nil }
                recordNumber += 1
                let outcome = try readRecord(header)
                completedRecords = recordNumber
                switch outcome {
                case .document(let d): return d
                case .nothing: continue
                case .bad(let problem): try log.report(issue(recordNumber, problem))
                case .fatal(let problem): ended = true; try log.report(issue(recordNumber, problem))
                }
            } catch let error as ByteSourceError {
                ended = true
                switch error {
                case .truncated: try log.report(issue(0, .truncated(lastGoodLine: completedRecords)))
                case .corrupt(let m): try log.report(issue(0, .corruptStream(message: m, lastGoodLine: completedRecords)))
                case .io(let m): throw issue(0, .io(m))
                }
            } catch let error as CorpusInputError {
                ended = true  // a record header that cannot be parsed: nothing after it can be found
                try log.report(error)
            } catch {
                throw issue(recordNumber, .io("\(error)"))
            }
        }
        return nil
    }

    private func issue(_ record: Int, _ problem: CorpusInputError.Problem) -> CorpusInputError {
        CorpusInputError(file: name, line: record, problem: problem)
    }

    private enum Outcome {
        case document(Document)
        case nothing
        case bad(CorpusInputError.Problem)
        /// The file cannot be read past this point.
        case fatal(CorpusInputError.Problem)
    }

    /// The next record's header fields, nil at the end of the file.
    private func readHeader() throws -> WARCHeaders? {
        var overLimit = false
        var line: [UInt8]?
        repeat { line = try input.readLine(limit: 1 << 16, overLimit: &overLimit) } while line?.isEmpty == true
        guard let first = line else {
            if overLimit { throw CorpusInputError(file: name, line: recordNumber + 1, problem: .malformedRecord("header line over 64 KiB")) }
            return nil
        }
        guard first.starts(with: Array("WARC/".utf8)) else {
            let shown = String(decoding: first.prefix(40), as: UTF8.self)
            throw CorpusInputError(file: name, line: recordNumber + 1, problem: .malformedRecord("expected a WARC/1.x version line, found \"\(shown)\""))
        }
        var lines = [[UInt8]]()
        while true {
            guard let l = try input.readLine(limit: 1 << 16, overLimit: &overLimit) else {
                throw CorpusInputError(file: name, line: recordNumber + 1, problem: .malformedRecord("header does not end"))
            }
            if l.isEmpty { break }
            lines.append(l)
        }
        return WARCHeaders(fields: WARCHeaders.fields(lines[...]))
    }

    /// Reads (or passes over) the block of the record with `header`.
    private func readRecord(_ header: WARCHeaders) throws -> Outcome {
        guard let lengthText = header["Content-Length"], let length = Int(lengthText.trimmingASCIISpaces()), length >= 0 else {
            return .fatal(.malformedRecord("no valid Content-Length"))
        }
        let type = header["WARC-Type"]?.lowercased() ?? ""
        let payloadType = header["WARC-Identified-Payload-Type"].map(WARCReader.mediaType)
        guard ["response", "resource", "conversion"].contains(type),
              payloadType.map({ WARCReader.format(ofMediaType: $0, recordType: type) != nil }) ?? true else {
            try input.skip(count: length)
            return .nothing
        }
        if length > options.maxRecordBytes {
            try input.skip(count: length)
            return .bad(.tooLong(bytes: length, limit: options.maxRecordBytes))
        }
        let block = try input.read(count: length)
        guard block.count == length else {
            return .fatal(.malformedRecord("block ends after \(block.count) of \(length) bytes"))
        }
        return document(header, type: type, payloadType: payloadType, block: block)
    }

    /// The document in a record's block, if it is one this reader takes.
    private func document(_ header: WARCHeaders, type: String, payloadType: String?, block: [UInt8]) -> Outcome {
        var body = block
        var contentType = header["Content-Type"] ?? ""
        if type == "response" {
            switch HTTPResponse.parse(block, maxBodyBytes: options.maxRecordBytes) {
            case nil: return .nothing  // not HTTP (dns:, ftp:)
            case .failure(let problem)?: return .bad(problem)
            case .success(let response)?:
                body = response.body
                contentType = response.header("Content-Type") ?? ""
            }
        }
        guard let format = WARCReader.format(ofMediaType: payloadType ?? WARCReader.mediaType(contentType), recordType: type) else {
            return .nothing
        }
        let charset = TextDecoding.charset(ofContentType: contentType)
        guard let text = TextDecoding.decode(body, charset: charset) else { return .bad(.undecodableBody(charset: charset ?? "")) }
        if text.isEmpty && options.skipEmptyText { return .nothing }
        var metadata: [(key: String, value: JSONValue)] = []
        if let url = header["WARC-Target-URI"] { metadata.append(("url", .string(url))) }
        if let date = header["WARC-Date"] { metadata.append(("date", .string(date))) }
        metadata.append(("format", .string(format)))
        let id = header["WARC-Record-ID"] ?? "\(name)/\(recordNumber - 1)"
        return .document(Document(id: id, text: text, metadata: metadata, origin: Document.Origin(file: name, line: recordNumber)))
    }

    /// "text/html; charset=utf-8" → "text/html".
    static func mediaType(_ contentType: String) -> String {
        (contentType.split(separator: ";", maxSplits: 1).first.map { String($0).trimmingASCIISpaces() } ?? "").lowercased()
    }

    /// "html" for HTML, "text" for a conversion record's plain text, nil for what is not read.
    static func format(ofMediaType media: String, recordType: String) -> String? {
        if media == "text/html" || media == "application/xhtml+xml" { return "html" }
        if recordType == "conversion" && media == "text/plain" { return "text" }
        return nil
    }
}

/// A WARC (or HTTP) header: `Name: value` fields, names compared case-insensitively.
struct WARCHeaders {
    var fields: [(name: String, value: String)]

    /// The last field named `name`.
    subscript(name: String) -> String? {
        let lower = name.lowercased()
        return fields.last { $0.name.lowercased() == lower }?.value
    }

    /// `Name: value` lines → fields; a line starting with a space or tab continues the previous value.
    static func fields(_ lines: ArraySlice<[UInt8]>) -> [(name: String, value: String)] {
        var out = [(name: String, value: String)]()
        for line in lines {
            let text = String(decoding: line, as: UTF8.self)
            if let c = line.first, c == 0x20 || c == 0x09, !out.isEmpty {
                out[out.count - 1].value += " " + text.trimmingASCIISpaces()
                continue
            }
            guard let colon = text.firstIndex(of: ":") else { continue }
            out.append((String(text[..<colon]).trimmingASCIISpaces(), String(text[text.index(after: colon)...]).trimmingASCIISpaces()))
        }
        return out
    }
}
