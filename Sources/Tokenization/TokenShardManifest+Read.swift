extension TokenShardManifest {
    /// Reads `manifest.json` of the shard directory `directory`.
    public init(directory: String) throws(TokenShardError) {
        let path = directory + "/" + Self.fileName
        let bytes = try readWholeFile(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalidManifest(path: path, reason: "not valid UTF-8")
        }
        try self.init(json: text, path: path)
    }

    /// Parses manifest JSON text; `path` names it in errors.
    public init(json text: String, path: String) throws(TokenShardError) {
        let root: TemplateValue
        do { root = try TemplateValue(json: text) } catch {
            throw .invalidManifest(path: path, reason: "not valid JSON: \(error)")
        }
        var r = ManifestReader(path: path)
        guard try r.string(root, "format") == Self.formatName else {
            throw .invalidManifest(path: path, reason: "format is not \"\(Self.formatName)\"")
        }
        let version = try r.int(root, "version")
        guard version == Int(TokenShard.Header.currentVersion) else {
            throw .invalidManifest(path: path, reason: "unsupported version \(version)")
        }
        let t = try r.value(root, "tokenizer")
        let endToken = try r.value(t, "end_of_document_token")
        tokenizer = TokenizerInfo(fingerprint: try r.string(t, "fingerprint"),
                                  vocabularySize: try r.int(t, "vocabulary_size"),
                                  endOfDocumentToken: endToken.isNull ? nil : try r.int(t, "end_of_document_token"))
        shardTokens = try r.int(root, "shard_tokens")
        let rule = try r.value(root, "validation_split")
        if rule.isNull {
            validationSplit = .none
        } else if rule["fraction"] != nil {
            guard let f = rule["fraction"]?.doubleValue else { throw r.wrong("validation_split.fraction", "a number") }
            validationSplit = .fraction(f)
        } else {
            validationSplit = .firstDocuments(try r.int(rule, "first_documents"))
        }
        inputs = []
        for item in try r.array(root, "inputs") {
            inputs.append(Input(path: try r.string(item, "path"), bytes: try r.int(item, "bytes"),
                                documents: try r.int(item, "documents")))
        }
        train = try r.shards(root, .train)
        validation = try r.shards(root, .validation)
        guard try r.int(root, "bytes_per_token") == bytesPerToken else {
            throw .invalidManifest(path: path, reason: "bytes_per_token does not match vocabulary_size \(tokenizer.vocabularySize)")
        }
    }
}

/// Typed field access with errors that name the manifest and the key.
private struct ManifestReader {
    let path: String
    var context = ""

    func wrong(_ key: String, _ expected: String) -> TokenShardError {
        .invalidManifest(path: path, reason: "\(context)\(key) is missing or not \(expected)")
    }

    func value(_ object: TemplateValue, _ key: String) throws(TokenShardError) -> TemplateValue {
        guard object.objectValue != nil, let v = object[key] else { throw wrong(key, "present") }
        return v
    }

    func int(_ object: TemplateValue, _ key: String) throws(TokenShardError) -> Int {
        guard let v = object[key]?.intValue, v >= 0 else { throw wrong(key, "a non-negative integer") }
        return v
    }

    func string(_ object: TemplateValue, _ key: String) throws(TokenShardError) -> String {
        guard let v = object[key]?.stringValue else { throw wrong(key, "a string") }
        return v
    }

    func array(_ object: TemplateValue, _ key: String) throws(TokenShardError) -> [TemplateValue] {
        guard let v = object[key]?.arrayValue else { throw wrong(key, "an array") }
        return v
    }

    mutating func shards(_ root: TemplateValue, _ split: DatasetSplit) throws(TokenShardError) -> TokenShardManifest.ShardList {
        let list = try value(root, split.rawValue)
        var shards = [TokenShardManifest.Shard]()
        for (i, item) in try array(list, "shards").enumerated() {
            context = "\(split.rawValue).shards[\(i)]."
            let sum = try string(item, "checksum")
            guard sum.hasPrefix("0x"), let checksum = UInt64(sum.dropFirst(2), radix: 16) else {
                throw wrong("checksum", "a hex string 0x…")
            }
            let file = try string(item, "file")
            guard !file.contains("/") && !file.hasPrefix(".") else { throw wrong("file", "a plain file name") }
            shards.append(.init(file: file, tokens: try int(item, "tokens"), documents: try int(item, "documents"),
                                checksum: checksum))
        }
        context = ""
        let result = TokenShardManifest.ShardList(shards: shards)
        guard try int(list, "tokens") == result.tokens, try int(list, "documents") == result.documents else {
            throw .invalidManifest(path: path, reason: "\(split.rawValue) totals differ from the sum of its shards")
        }
        return result
    }
}
