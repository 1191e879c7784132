#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension TokenizerJSON {
    /// Reads the `tokenizer.json` file at `path`.
    public init(contentsOf path: String) throws(TokenizerError) {
        guard let file = fopen(path, "rb") else { throw .fileAccess(path: path, reason: String(cString: strerror(errno))) }
        defer { fclose(file) }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        if ferror(file) != 0 { throw .fileAccess(path: path, reason: "read error") }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .fileAccess(path: path, reason: "not valid UTF-8")
        }
        try self.init(json: text)
    }

    /// Parses `tokenizer.json` text of a byte-level BPE tokenizer. Anything whose behaviour Tern
    /// would not reproduce exactly (a normalizer, dropout, prefix spaces, other pre-tokenizers,
    /// stripping added tokens) is refused with the field that says so.
    public init(json text: String) throws(TokenizerError) {
        let root: TemplateValue
        do { root = try TemplateValue(json: text) } catch {
            throw .invalidField("tokenizer.json", reason: "not valid JSON: \(error)")
        }
        guard root.objectValue != nil else { throw .invalidField("tokenizer.json", reason: "not a JSON object") }
        guard let model = root["model"], model.objectValue != nil else { throw .missingField("model") }
        let type = model["type"]?.stringValue ?? "BPE"
        guard type == "BPE" else { throw .unknownModel("model.type \(type)") }
        try Self.requireAbsent(model, "model", ["dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix"])
        if model["byte_fallback"]?.boolValue == true { throw .invalidField("model.byte_fallback", reason: "true is not supported") }
        if let n = root["normalizer"], !n.isNull {
            throw .invalidField("normalizer", reason: "\(n["type"]?.stringValue ?? "?") is not supported (byte-level BPE without a normalizer only)")
        }

        vocabulary = try Self.readVocabulary(model["vocab"])
        merges = try Self.readMerges(model["merges"])
        ignoreMerges = model["ignore_merges"]?.boolValue ?? false
        pattern = try Self.readPreTokenizer(root["pre_tokenizer"])
        addedTokens = try Self.readAddedTokens(root["added_tokens"])
        prefixToken = nil
        suffixToken = nil
        try readPostProcessor(root["post_processor"])
    }

    private static func requireAbsent(_ object: TemplateValue, _ path: String, _ keys: [String]) throws(TokenizerError) {
        for k in keys {
            if let v = object[k], !v.isNull { throw .invalidField("\(path).\(k)", reason: "must be null for byte-level BPE") }
        }
    }

    private static func readVocabulary(_ value: TemplateValue?) throws(TokenizerError) -> [String] {
        guard let object = value?.objectValue else { throw .missingField("model.vocab") }
        var tokens = [String?](repeating: nil, count: object.count)
        for key in object.keys {
            guard let id = object[key]?.intValue, id >= 0, id < object.count else {
                throw .invalidField("model.vocab", reason: "id of \(key.debugDescription) is not in 0..<\(object.count)")
            }
            guard tokens[id] == nil else { throw .invalidField("model.vocab", reason: "id \(id) is used twice") }
            tokens[id] = key
        }
        return tokens.map { $0! }  // n distinct ids in 0..<n: every slot is filled
    }

    private static func readMerges(_ value: TemplateValue?) throws(TokenizerError) -> [String] {
        guard let items = value?.arrayValue else { throw .missingField("model.merges") }
        var out = [String]()
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            // "left right" (older files) or ["left", "right"] (tokenizers ≥ 0.20).
            if let s = item.stringValue {
                out.append(s)
            } else if let pair = item.arrayValue, pair.count == 2, let l = pair[0].stringValue, let r = pair[1].stringValue {
                guard !l.contains(" ") && !r.contains(" ") else {
                    throw .invalidField("model.merges[\(i)]", reason: "a merge part holds a space")
                }
                out.append(l + " " + r)
            } else {
                throw .invalidField("model.merges[\(i)]", reason: "neither \"left right\" nor [left, right]")
            }
        }
        return out
    }

    private static func readPreTokenizer(_ value: TemplateValue?) throws(TokenizerError) -> PreTokenizer {
        guard let value, !value.isNull else { throw .missingField("pre_tokenizer") }
        func byteLevel(_ v: TemplateValue, regex: Bool, path: String) throws(TokenizerError) -> Bool {
            guard v["type"]?.stringValue == "ByteLevel" else { return false }
            if v["add_prefix_space"]?.boolValue == true {
                throw .invalidField("\(path).add_prefix_space", reason: "true is not supported")
            }
            guard (v["use_regex"]?.boolValue ?? true) == regex else {
                throw .invalidField("\(path).use_regex", reason: regex ? "must be true here" : "must be false after a Split")
            }
            return true
        }
        if try byteLevel(value, regex: true, path: "pre_tokenizer") { return .gpt2 }
        if value["type"]?.stringValue == "Sequence", let parts = value["pretokenizers"]?.arrayValue, parts.count == 2,
           parts[0]["type"]?.stringValue == "Split", try byteLevel(parts[1], regex: false, path: "pre_tokenizer.pretokenizers[1]") {
            let split = parts[0]
            guard let regex = split["pattern"]?["Regex"]?.stringValue,
                  let p = splitRegexes.first(where: { $0.value == regex })?.key else {
                throw .unknownPreTokenizer("Split pattern \(split["pattern"].map { $0.jsonString() } ?? "null")")
            }
            guard split["behavior"]?.stringValue == "Isolated", split["invert"]?.boolValue != true else {
                throw .invalidField("pre_tokenizer.pretokenizers[0]", reason: "only behavior Isolated without invert is supported")
            }
            return p
        }
        throw .unknownPreTokenizer("pre_tokenizer \(value.jsonString())")
    }

    private static func readAddedTokens(_ value: TemplateValue?) throws(TokenizerError) -> [AddedToken] {
        guard let value, !value.isNull else { return [] }
        guard let items = value.arrayValue else { throw .invalidField("added_tokens", reason: "not an array") }
        var out = [AddedToken]()
        for (i, item) in items.enumerated() {
            guard let id = item["id"]?.intValue, id >= 0, let content = item["content"]?.stringValue else {
                throw .invalidField("added_tokens[\(i)]", reason: "needs an id ≥ 0 and a content string")
            }
            for flag in ["single_word", "lstrip", "rstrip"] where item[flag]?.boolValue == true {
                throw .invalidField("added_tokens[\(i)].\(flag)", reason: "true is not supported")
            }
            out.append(AddedToken(id: id, content: content, special: item["special"]?.boolValue ?? false))
        }
        return out
    }

    /// `null`, `ByteLevel` (offsets only) or a `TemplateProcessing` whose `single` is
    /// [special?, A, special?]; a `Sequence` of those.
    private mutating func readPostProcessor(_ value: TemplateValue?) throws(TokenizerError) {
        guard let value, !value.isNull else { return }
        switch value["type"]?.stringValue {
        case "ByteLevel":
            return
        case "Sequence":
            for p in value["processors"]?.arrayValue ?? [] { try readPostProcessor(p) }
        case "TemplateProcessing":
            guard let single = value["single"]?.arrayValue,
                  let a = single.firstIndex(where: { $0["Sequence"] != nil }) else {
                throw .invalidField("post_processor.single", reason: "has no sequence")
            }
            func id(_ item: TemplateValue) throws(TokenizerError) -> Int {
                guard let name = item["SpecialToken"]?["id"]?.stringValue,
                      let ids = value["special_tokens"]?[name]?["ids"]?.arrayValue, ids.count == 1,
                      let id = ids[0].intValue else {
                    throw .invalidField("post_processor.single", reason: "only one special token before and after the sequence is supported")
                }
                return id
            }
            guard a <= 1, single.count - a <= 2 else {
                throw .invalidField("post_processor.single", reason: "only one special token before and after the sequence is supported")
            }
            if a == 1 { prefixToken = try id(single[0]) }
            if single.count - a == 2 { suffixToken = try id(single[a + 1]) }
        case let other:
            throw .invalidField("post_processor", reason: "\(other ?? "?") is not supported")
        }
    }
}
