import ModelFiles

extension TokenizerJSON {
    /// The `tokenizer.json` text, laid out as HF writes it (vocab in id order, one merge per line).
    public func jsonString() -> String {
        var out = "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": ["
        for (i, a) in addedTokens.enumerated() {
            out += i == 0 ? "\n" : ",\n"
            out += "    {\"id\": \(a.id), \"content\": "
            PythonText.writeJSONString(a.content, into: &out, ensureASCII: false)
            out += ", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, "
            out += "\"special\": \(a.special)}"
        }
        out += addedTokens.isEmpty ? "],\n" : "\n  ],\n"
        out += "  \"normalizer\": null,\n  \"pre_tokenizer\": \(preTokenizerJSON),\n"
        out += "  \"post_processor\": \(postProcessorJSON),\n"
        out += "  \"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": true},\n"
        out += "  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n"
        out += "    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n"
        out += "    \"fuse_unk\": false,\n    \"byte_fallback\": false,\n    \"ignore_merges\": \(ignoreMerges),\n"
        out += "    \"vocab\": {"
        for (id, text) in vocabulary.enumerated() {
            out += id == 0 ? "\n      " : ",\n      "
            PythonText.writeJSONString(text, into: &out, ensureASCII: false)
            out += ": \(id)"
        }
        out += vocabulary.isEmpty ? "},\n" : "\n    },\n"
        out += "    \"merges\": ["
        for (i, m) in merges.enumerated() {
            out += i == 0 ? "\n      " : ",\n      "
            PythonText.writeJSONString(m, into: &out, ensureASCII: false)
        }
        out += merges.isEmpty ? "]\n" : "\n    ]\n"
        out += "  }\n}\n"
        return out
    }

    private var preTokenizerJSON: String {
        guard let regex = Self.splitRegexes[pattern] else {
            return "{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": true}"
        }
        var r = ""
        PythonText.writeJSONString(regex, into: &r, ensureASCII: false)
        return "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", \"pattern\": {\"Regex\": \(r)}, "
            + "\"behavior\": \"Isolated\", \"invert\": false}, {\"type\": \"ByteLevel\", \"add_prefix_space\": false, "
            + "\"trim_offsets\": true, \"use_regex\": false}]}"
    }

    private var postProcessorJSON: String {
        if prefixToken == nil && suffixToken == nil { return "null" }
        func special(_ id: Int) -> String {
            var s = ""
            PythonText.writeJSONString(tokenText(id), into: &s, ensureASCII: false)
            return "{\"SpecialToken\": {\"id\": \(s), \"type_id\": 0}}"
        }
        func sequence(_ name: String) -> String { "{\"Sequence\": {\"id\": \"\(name)\", \"type_id\": 0}}" }
        var single = [String](), pair = [String]()
        var specials = [Int]()
        if let p = prefixToken { single.append(special(p)); pair.append(special(p)); specials.append(p) }
        single.append(sequence("A")); pair.append(sequence("A"))
        if let s = suffixToken { single.append(special(s)); pair.append(special(s)); specials.append(s) }
        if let p = prefixToken { pair.append(special(p)) }
        pair.append(sequence("B"))
        if let s = suffixToken { pair.append(special(s)) }
        var table = [String]()
        for id in Set(specials).sorted() {
            var s = ""
            PythonText.writeJSONString(tokenText(id), into: &s, ensureASCII: false)
            table.append("\(s): {\"id\": \(s), \"ids\": [\(id)], \"tokens\": [\(s)]}")
        }
        return "{\"type\": \"TemplateProcessing\", \"single\": [\(single.joined(separator: ", "))], "
            + "\"pair\": [\(pair.joined(separator: ", "))], \"special_tokens\": {\(table.joined(separator: ", "))}}"
    }

    /// The text of token `id`: its added token's content, else its vocabulary entry.
    func tokenText(_ id: Int) -> String {
        if let a = addedTokens.last(where: { $0.id == id }) { return a.content }
        return id < vocabulary.count ? vocabulary[id] : ""
    }

    /// Writes `jsonString()` to `path` atomically (a temporary file beside it, synced, then renamed).
    public func write(to path: String) throws(TokenizerError) {
        do { try writeFileAtomically(path: path, bytes: Array(jsonString().utf8)) } catch { throw .file(error) }
    }
}
