/// Why a token shard, a shard set or its inputs could not be written or read. Each case names
/// the file and what was wrong where.
public enum TokenShardError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A shard, manifest or input file could not be opened or read.
    case cannotOpen(path: String, reason: String)
    /// The file does not start with the token shard magic `TERNTOKS`.
    case notATokenShard(path: String, magic: String)
    /// The header's format version is not one this build reads.
    case unsupportedVersion(path: String, version: UInt32)
    /// A header field holds an impossible value.
    case invalidHeader(path: String, field: String, reason: String)
    /// The file is shorter than its header says (a copy or write that stopped early).
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// The file is longer than its header says.
    case trailingBytes(path: String, expectedBytes: Int, actualBytes: Int)
    /// The token bytes do not hash to the header's checksum.
    case checksumMismatch(path: String, expected: UInt64, actual: UInt64)
    /// A token id is not below the vocabulary size (`index` counts tokens from 0).
    case tokenOutOfRange(path: String, index: Int, token: Int, vocabularySize: Int)
    /// A shard, temporary file or manifest could not be written, renamed or removed.
    case writeFailed(path: String, reason: String)
    /// An input document is unusable: bad JSON, a missing field, invalid UTF-8 (lines from 1).
    case invalidInput(path: String, line: Int, reason: String)
    /// `manifest.json` is missing a field or holds a value of the wrong kind.
    case invalidManifest(path: String, reason: String)
    /// A shard disagrees with the manifest that lists it.
    case manifestMismatch(path: String, field: String, manifest: String, file: String)
    /// The output directory already holds a complete shard set.
    case outputExists(path: String)
    /// Documents should end with an end-of-document token, but the tokenizer has none.
    case noEndOfDocumentToken
    /// A configuration value is out of range.
    case invalidConfiguration(field: String, reason: String)

    /// What went wrong, in one line.
    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "\(path): cannot open: \(reason)"
        case let .notATokenShard(path, magic):
            return "\(path): not a token shard (magic \(magic), expected \"\(TokenShard.Header.magicText)\")"
        case let .unsupportedVersion(path, v):
            return "\(path): unsupported token shard version \(v) (supported: \(TokenShard.Header.currentVersion))"
        case let .invalidHeader(path, field, reason): return "\(path): invalid token shard header: \(field) \(reason)"
        case let .truncated(path, expected, actual):
            return "\(path): truncated: the header needs \(expected) bytes, the file has \(actual)"
        case let .trailingBytes(path, expected, actual):
            return "\(path): \(actual - expected) bytes past the end that the header declares (\(expected) bytes)"
        case let .checksumMismatch(path, expected, actual):
            return "\(path): token data is corrupt: checksum \(hex(actual)), header says \(hex(expected))"
        case let .tokenOutOfRange(path, index, token, size):
            return "\(path): token \(index) is \(token), outside the vocabulary (0..<\(size))"
        case let .writeFailed(path, reason): return "\(path): write failed: \(reason)"
        case let .invalidInput(path, line, reason): return "\(path):\(line): \(reason)"
        case let .invalidManifest(path, reason): return "\(path): invalid token shard manifest: \(reason)"
        case let .manifestMismatch(path, field, manifest, file):
            return "\(path): \(field) is \(file) in the file but \(manifest) in the manifest"
        case let .outputExists(path):
            return "\(path) already holds a complete token shard set (manifest.json); remove it or choose another directory"
        case .noEndOfDocumentToken:
            return "an end-of-document token was requested, but the tokenizer has none "
                + "(no <|endoftext|>, <|end_of_text|> or EOS token)"
        case let .invalidConfiguration(field, reason): return "\(field): \(reason)"
        }
    }
}

/// `0x` and 16 hex digits.
func hex(_ v: UInt64) -> String {
    let digits = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
}
