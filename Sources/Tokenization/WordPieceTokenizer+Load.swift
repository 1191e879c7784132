import Foundation
import ModelFiles

extension WordPieceTokenizer {
    /// Reads a BERT model folder: `tokenizer.json` when present (its `BertNormalizer` options and
    /// WordPiece model), else `vocab.txt` with `tokenizer_config.json`'s `do_lower_case`. The
    /// sequence limit is sentence-transformers' `max_seq_length` from `sentence_bert_config.json`
    /// when present (tokenizer.json's own `truncation` is ignored, as sentence-transformers does),
    /// else `config.maxSequenceLength`.
    public static func load(folder: String, config: WordPieceConfig = WordPieceConfig()) throws(TokenizerError) -> WordPieceTokenizer {
        var config = config
        let stConfig = folder + "/sentence_bert_config.json"
        if FileManager.default.fileExists(atPath: stConfig) {
            let json = try readJSON(stConfig)
            if let n = json["max_seq_length"]?.int {
                guard n >= 2 else { throw .inFile(stConfig, .invalidField("max_seq_length", reason: "\(n) is below 2")) }
                config.maxSequenceLength = n
            }
        }
        let tokenizerJSON = folder + "/tokenizer.json"
        if FileManager.default.fileExists(atPath: tokenizerJSON) {
            return try load(tokenizerJSON: tokenizerJSON, config: config)
        }
        let tokenizerConfig = folder + "/tokenizer_config.json"
        if FileManager.default.fileExists(atPath: tokenizerConfig) {
            let json = try readJSON(tokenizerConfig)
            if let lower = json["do_lower_case"]?.bool { config.lowercase = lower }
            if let chinese = json["tokenize_chinese_chars"]?.bool { config.handleChineseCharacters = chinese }
            if let strip = json["strip_accents"]?.bool { config.stripAccents = strip }
        }
        return try load(vocabularyFile: folder + "/vocab.txt", config: config)
    }

    /// Reads `vocab.txt`: one token per line, the line number (from 0) is its id.
    public static func load(vocabularyFile path: String, config: WordPieceConfig = WordPieceConfig()) throws(TokenizerError) -> WordPieceTokenizer {
        let bytes = try readBytes(path)
        var tokens = [String]()
        var start = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
            if i > start || i < bytes.count { tokens.append(String(decoding: bytes[start..<i], as: UTF8.self)) }
            start = i + 1
        }
        do { return try WordPieceTokenizer(tokens: tokens, config: config) } catch { throw .inFile(path, error) }
    }

    /// Reads a HF `tokenizer.json` whose model is `WordPiece` (normalizer `BertNormalizer` or
    /// none). `config` supplies what the file does not say, and the sequence limit.
    public static func load(tokenizerJSON path: String, config: WordPieceConfig = WordPieceConfig()) throws(TokenizerError) -> WordPieceTokenizer {
        let json = try readJSON(path)
        var config = config
        do throws(TokenizerError) {
            guard let model = json["model"] else { throw TokenizerError.missingField("model") }
            guard model["type"]?.string == "WordPiece" else {
                throw TokenizerError.unsupported(path: "model.type", reason: "\(model["type"]?.string ?? "null") (supported: WordPiece)")
            }
            if let unk = model["unk_token"]?.string { config.unknownToken = unk }
            if let prefix = model["continuing_subword_prefix"]?.string { config.continuationPrefix = prefix }
            if let n = model["max_input_chars_per_word"]?.int { config.maxInputCharsPerWord = n }
            if let normalizer = json["normalizer"], !normalizer.isNull {
                guard normalizer["type"]?.string == "BertNormalizer" else {
                    throw TokenizerError.unsupported(path: "normalizer.type", reason: "\(normalizer["type"]?.string ?? "null") (supported: BertNormalizer)")
                }
                if let b = normalizer["clean_text"]?.bool { config.cleanText = b }
                if let b = normalizer["handle_chinese_chars"]?.bool { config.handleChineseCharacters = b }
                if let b = normalizer["lowercase"]?.bool { config.lowercase = b }
                config.stripAccents = normalizer["strip_accents"]?.bool
            }
            if let added = json["added_tokens"]?.array {
                config.specialTokens = added.compactMap { $0["content"]?.string }
            }
            guard let entries = model["vocab"]?.members else { throw TokenizerError.missingField("model.vocab") }
            var tokens = [String?](repeating: nil, count: entries.count)
            for (text, value) in entries {
                guard let id = value.int, id >= 0, id < entries.count else {
                    throw TokenizerError.invalidField("model.vocab.\(text)", reason: "id must be in 0..<\(entries.count)")
                }
                guard tokens[id] == nil else { throw TokenizerError.duplicateToken(text: text, firstID: id, secondID: id) }
                tokens[id] = text
            }
            return try WordPieceTokenizer(tokens: tokens.map { $0 ?? "" }, config: config)
        } catch {
            throw .inFile(path, error)
        }
    }

    static func readBytes(_ path: String) throws(TokenizerError) -> [UInt8] {
        do { return try readFileContents(path) } catch { throw .fileAccess(path: path, reason: error.reason) }
    }

    static func readJSON(_ path: String) throws(TokenizerError) -> JSONValue {
        let bytes = try readBytes(path)
        do { return try JSONValue.parse(bytes) } catch { throw .inFile(path, .invalidField("JSON", reason: error.description)) }
    }
}
