#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ModelFiles

extension TokenizerPipeline {
    /// Reads the `tokenizer.json` file at `path`; errors name the file and the JSON path.
    public init(contentsOf path: String) throws(TokenizerError) {
        let bytes = try Self.readFile(path)
        do { try self.init(json: bytes) } catch { throw .inFile(path, error) }
    }

    /// Parses `tokenizer.json` text.
    public init(json text: String) throws(TokenizerError) {
        try self.init(json: Array(text.utf8))
    }

    /// Parses `tokenizer.json` bytes (UTF-8). HF's own checks apply: every merge's parts and
    /// result must be in the vocabulary. `truncation` and `padding` are batch settings, ignored.
    init(json bytes: [UInt8]) throws(TokenizerError) {
        let root: JSONValue
        do throws(JSONValue.SyntaxError) { root = try JSONValue.parse(bytes) } catch {
            throw .invalidField("tokenizer.json", reason: "not valid JSON: \(error)")
        }
        guard root.members != nil else { throw .invalidField("tokenizer.json", reason: "not a JSON object") }
        guard let modelNode = root["model"], modelNode.members != nil else { throw .missingField("model") }
        let (model, table) = try Self.readModel(modelNode)
        normalizers = try Self.readNormalizer(root["normalizer"], path: "normalizer")
        preTokenizers = try Self.readPreTokenizer(root["pre_tokenizer"], path: "pre_tokenizer")
        addedTokens = try Self.readAddedTokens(root["added_tokens"], model: model, vocabulary: table)
        (prefix, suffix) = try Self.readPostProcessor(root["post_processor"], path: "post_processor")
        decoders = try Self.readDecoder(root["decoder"], path: "decoder")
        self.model = model
        let size = vocabularySize
        for id in prefix + suffix where id < 0 || id >= size {
            throw .invalidField("post_processor", reason: "token id \(id) is not in 0..<\(size)")
        }
    }

    static func readFile(_ path: String) throws(TokenizerError) -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try readFileContents(path) } catch { throw .fileAccess(path: path, reason: error.reason) }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .fileAccess(path: path, reason: "not valid UTF-8") }
        return bytes
    }

    /// The model, and its vocabulary as a table (text → id).
    static func readModel(_ m: JSONValue) throws(TokenizerError) -> (BytePairModel, ByteStringTable) {
        let type = m["type"]?.string ?? "BPE"
        guard type == "BPE" else { throw .unsupported(path: "model.type", reason: "\(type) (only BPE models)") }
        if let d = m["dropout"], !d.isNull, case .number(let p, _) = d, p != 0 {
            throw .unsupported(path: "model.dropout", reason: "\(p) (only null or 0)")
        }
        let (tokens, table) = try readVocabulary(m["vocab"])
        let merges = try readMerges(m["merges"])
        func text(_ key: String) throws(TokenizerError) -> String? {
            guard let v = m[key], !v.isNull else { return nil }
            guard let s = v.string else { throw .invalidField("model.\(key)", reason: "not a string") }
            return s
        }
        let prefix = try text("continuing_subword_prefix"), suffix = try text("end_of_word_suffix")
        let model = BytePairModel(
            vocabulary: tokens, merges: merges, byteFallback: m["byte_fallback"]?.bool ?? false,
            unknownToken: try text("unk_token"), fuseUnknown: m["fuse_unk"]?.bool ?? false,
            ignoreMerges: m["ignore_merges"]?.bool ?? false,
            continuingSubwordPrefix: prefix?.isEmpty == true ? nil : prefix, endOfWordSuffix: suffix?.isEmpty == true ? nil : suffix)
        try checkMerges(model, table)
        return (model, table)
    }

    /// `model.vocab`: texts by id 0..<n, and the table text → id.
    static func readVocabulary(_ value: JSONValue?) throws(TokenizerError) -> ([String], ByteStringTable) {
        guard let vocab = value?.members else { throw .missingField("model.vocab") }
        var tokens = [String?](repeating: nil, count: vocab.count)
        var table = ByteStringTable(capacity: vocab.count, arenaBytes: vocab.count * 8)
        for (key, value) in vocab {
            guard let id = value.int, id >= 0, id < vocab.count else {
                throw .invalidField("model.vocab", reason: "id of \(key.debugDescription) is not in 0..<\(vocab.count)")
            }
            guard tokens[id] == nil else { throw .invalidField("model.vocab", reason: "id \(id) is used twice") }
            tokens[id] = key
            table.insert(Array(key.utf8), value: Int32(id))
        }
        return (tokens.map { $0! }, table)  // n distinct ids in 0..<n: every slot is filled
    }

    /// `model.merges`: "left right" (older files) or ["left", "right"], in rank order.
    static func readMerges(_ value: JSONValue?) throws(TokenizerError) -> [BytePairModel.Merge] {
        guard let items = value?.array else { throw .missingField("model.merges") }
        var merges = [BytePairModel.Merge]()
        merges.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            if let s = item.string {
                let parts = s.utf8.split(separator: 0x20, omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw .invalidField("model.merges[\(i)]", reason: "\(s.debugDescription) is not \"left right\"") }
                merges.append(.init(String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self)))
            } else if let pair = item.array, pair.count == 2, let l = pair[0].string, let r = pair[1].string {
                merges.append(.init(l, r))
            } else {
                throw .invalidField("model.merges[\(i)]", reason: "neither \"left right\" nor [left, right]")
            }
        }
        return merges
    }

    /// HF refuses a model whose merge parts or results are not in its vocabulary.
    static func checkMerges(_ model: BytePairModel, _ table: ByteStringTable) throws(TokenizerError) {
        let prefixLength = model.continuingSubwordPrefix?.utf8.count ?? 0
        var merged = [UInt8]()
        for (i, m) in model.merges.enumerated() {
            merged.removeAll(keepingCapacity: true)
            merged.append(contentsOf: m.left.utf8)
            let leftLength = merged.count
            merged.append(contentsOf: m.right.utf8)
            let found = merged.withUnsafeBytes { all in
                table.value(for: UnsafeRawBufferPointer(rebasing: all[..<leftLength])) != nil
                    && table.value(for: UnsafeRawBufferPointer(rebasing: all[leftLength...])) != nil
            }
            // HF drops the prefix's length from the right part, whatever its bytes.
            if prefixLength > 0 { merged.removeSubrange(leftLength..<min(merged.count, leftLength + prefixLength)) }
            guard found, table.value(for: merged) != nil else {
                throw .invalidField("model.merges[\(i)]", reason: "\(m.left.debugDescription) + \(m.right.debugDescription): a part or the merged text is not in model.vocab")
            }
        }
    }

    /// Added tokens with HF's ids: the vocabulary's id for a text it holds, the id of an earlier
    /// added token with the same text, else the next id past the vocabulary.
    static func readAddedTokens(_ value: JSONValue?, model: BytePairModel, vocabulary: ByteStringTable) throws(TokenizerError) -> [TokenizerJSON.AddedToken] {
        guard let value, !value.isNull else { return [] }
        guard let items = value.array else { throw .invalidField("added_tokens", reason: "not an array") }
        var known = vocabulary
        var next = model.vocabulary.count
        var out = [TokenizerJSON.AddedToken]()
        var index = [Int: Int]()  // id → position in out
        for (i, item) in items.enumerated() {
            guard let content = item["content"]?.string, item["id"]?.int != nil else {
                throw .invalidField("added_tokens[\(i)]", reason: "needs an id and a content string")
            }
            if content.isEmpty { continue }
            let special = item["special"]?.bool ?? false
            let id: Int
            if let existing = known.value(for: content) { id = Int(existing) } else {
                id = next
                next += 1
                known.insert(Array(content.utf8), value: Int32(id))
            }
            let token = TokenizerJSON.AddedToken(
                id: id, content: content, special: special, singleWord: item["single_word"]?.bool ?? false,
                leftStrip: item["lstrip"]?.bool ?? false, rightStrip: item["rstrip"]?.bool ?? false,
                normalized: item["normalized"]?.bool ?? !special)
            if let k = index[id] { out[k] = token } else { index[id] = out.count; out.append(token) }
        }
        return out
    }

    /// The ids a post-processor adds around a single sequence: `TemplateProcessing`'s `single`,
    /// `RobertaProcessing` / `BertProcessing` (`cls` … `sep`), `ByteLevel` (none), `Sequence` of these.
    static func readPostProcessor(_ value: JSONValue?, path: String) throws(TokenizerError) -> ([Int], [Int]) {
        guard let value, !value.isNull else { return ([], []) }
        switch value["type"]?.string {
        case "ByteLevel":
            return ([], [])
        case "Sequence":
            var prefix = [Int](), suffix = [Int]()
            for (i, p) in (value["processors"]?.array ?? []).enumerated() {
                let (a, b) = try readPostProcessor(p, path: "\(path).processors[\(i)]")
                prefix = a + prefix
                suffix += b
            }
            return (prefix, suffix)
        case "RobertaProcessing", "BertProcessing":
            func id(_ key: String) throws(TokenizerError) -> Int {
                guard let pair = value[key]?.array, pair.count == 2, let id = pair[1].int else {
                    throw .invalidField("\(path).\(key)", reason: "not [token, id]")
                }
                return id
            }
            return ([try id("cls")], [try id("sep")])
        case "TemplateProcessing":
            guard let single = value["single"]?.array else { throw .invalidField("\(path).single", reason: "not an array") }
            var prefix = [Int](), suffix = [Int]()
            var seenSequence = false
            for (i, item) in single.enumerated() {
                if let s = item["Sequence"] {
                    guard s["id"]?.string == "A", !seenSequence else {
                        throw .unsupported(path: "\(path).single[\(i)]", reason: "a single-sequence template has one sequence, A")
                    }
                    seenSequence = true
                } else if let name = item["SpecialToken"]?["id"]?.string {
                    guard let ids = value["special_tokens"]?[name]?["ids"]?.array else {
                        throw .invalidField("\(path).special_tokens", reason: "no entry for \(name.debugDescription)")
                    }
                    for x in ids {
                        guard let id = x.int else { throw .invalidField("\(path).special_tokens.\(name).ids", reason: "not integers") }
                        if seenSequence { suffix.append(id) } else { prefix.append(id) }
                    }
                } else {
                    throw .invalidField("\(path).single[\(i)]", reason: "neither a Sequence nor a SpecialToken")
                }
            }
            guard seenSequence else { throw .invalidField("\(path).single", reason: "has no sequence") }
            return (prefix, suffix)
        case let other:
            throw .unsupported(path: "\(path).type", reason: "\(other ?? "null") (supported: TemplateProcessing, RobertaProcessing, BertProcessing, ByteLevel, Sequence)")
        }
    }
}
