import ModelFiles

extension TokenizerPipeline {
    /// `normalizer`: null, one normalizer, or a `Sequence` (flattened).
    static func readNormalizer(_ value: JSONValue?, path: String) throws(TokenizerError) -> [TextNormalizer] {
        guard let value, !value.isNull else { return [] }
        let type = value["type"]?.string ?? "null"
        switch type {
        case "Sequence":
            var out = [TextNormalizer]()
            for (i, n) in (value["normalizers"]?.array ?? []).enumerated() {
                out += try readNormalizer(n, path: "\(path).normalizers[\(i)]")
            }
            return out
        case "NFC": return [.nfc]
        case "NFD": return [.nfd]
        case "NFKC": return [.nfkc]
        case "NFKD": return [.nfkd]
        case "Lowercase": return [.lowercase]
        case "StripAccents": return [.stripAccents]
        case "Strip":
            return [.strip(left: try flag(value, "strip_left", path), right: try flag(value, "strip_right", path))]
        case "Replace":
            guard let content = value["content"]?.string else { throw .invalidField("\(path).content", reason: "not a string") }
            return [.replace(try literal(value["pattern"], path: "\(path).pattern"), content: content)]
        case "Prepend":
            guard let p = value["prepend"]?.string else { throw .invalidField("\(path).prepend", reason: "not a string") }
            return [.prepend(p)]
        default:
            throw .unsupported(path: "\(path).type", reason: "normalizer \(type) (supported: NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend, Sequence)")
        }
    }

    /// `pre_tokenizer`: null, one pre-tokenizer, or a `Sequence` (flattened); `ByteLevel` only last.
    static func readPreTokenizer(_ value: JSONValue?, path: String) throws(TokenizerError) -> [PreTokenizerStep] {
        let steps = try preTokenizerSteps(value, path: path)
        if let i = steps.dropLast().firstIndex(where: { if case .byteLevel = $0.step { true } else { false } }) {
            throw .unsupported(path: steps[i].path, reason: "a ByteLevel pre-tokenizer that is not the last one")
        }
        return steps.map(\.step)
    }

    private static func preTokenizerSteps(_ value: JSONValue?, path: String) throws(TokenizerError) -> [(step: PreTokenizerStep, path: String)] {
        guard let value, !value.isNull else { return [] }
        let type = value["type"]?.string ?? "null"
        let step: PreTokenizerStep
        switch type {
        case "Sequence":
            var out = [(step: PreTokenizerStep, path: String)]()
            for (i, p) in (value["pretokenizers"]?.array ?? []).enumerated() {
                out += try preTokenizerSteps(p, path: "\(path).pretokenizers[\(i)]")
            }
            return out
        case "ByteLevel":
            step = .byteLevel(addPrefixSpace: value["add_prefix_space"]?.bool ?? true, useRegex: value["use_regex"]?.bool ?? true)
        case "Split":
            step = try split(value, path: path)
        case "Metaspace":
            let (replacement, scheme) = try metaspace(value, path: path)
            step = .metaspace(replacement: replacement, prependScheme: scheme, split: value["split"]?.bool ?? true)
        case "Digits":
            step = .digits(individual: value["individual_digits"]?.bool ?? false)
        case "Punctuation":
            step = .punctuation(try behavior(value["behavior"] ?? .string("Isolated"), path: "\(path).behavior"))
        case "Whitespace": step = .whitespace
        case "WhitespaceSplit": step = .whitespaceSplit
        case "BertPreTokenizer": step = .bert
        default:
            throw .unsupported(path: "\(path).type", reason: "pre-tokenizer \(type) (supported: ByteLevel, Split, Metaspace, Digits, Punctuation, Whitespace, WhitespaceSplit, BertPreTokenizer, Sequence)")
        }
        return [(step, path)]
    }

    private static func split(_ value: JSONValue, path: String) throws(TokenizerError) -> PreTokenizerStep {
        guard let b = value["behavior"] else { throw .missingField("\(path).behavior") }
        let how = try behavior(b, path: "\(path).behavior")
        let invert = value["invert"]?.bool ?? false
        if let regex = value["pattern"]?["Regex"]?.string, literalText(regex) == nil {
            guard let p = PreTokenizer.matching(regex: regex) else {
                throw .unsupported(path: "\(path).pattern.Regex", reason: "the regex \(regex.debugDescription) (Tern scans the GPT-2, Llama 3 and Qwen2 splits by hand, recognised by their text)")
            }
            guard how == .isolated && !invert else {
                throw .unsupported(path: "\(path).behavior", reason: "the \(p.rawValue) split is supported as Isolated without invert")
            }
            return .split(.regex(p), behavior: how, invert: invert)
        }
        return .split(.string(try literal(value["pattern"], path: "\(path).pattern")), behavior: how, invert: invert)
    }

    /// `replacement` and `prepend_scheme` (older files: `add_prefix_space`, false meaning `never`).
    private static func metaspace(_ value: JSONValue, path: String) throws(TokenizerError) -> (Unicode.Scalar, PrependScheme) {
        guard let r = value["replacement"]?.string, r.unicodeScalars.count == 1, let replacement = r.unicodeScalars.first else {
            throw .invalidField("\(path).replacement", reason: "not one character")
        }
        var scheme = PrependScheme.always
        if let s = value["prepend_scheme"]?.string {
            guard let p = PrependScheme(rawValue: s) else { throw .invalidField("\(path).prepend_scheme", reason: "\(s.debugDescription)") }
            scheme = p
        }
        // HF: add_prefix_space false must come with prepend_scheme never (the default is always).
        if value["add_prefix_space"]?.bool == false && scheme != .never {
            throw .invalidField("\(path).add_prefix_space", reason: "false does not match prepend_scheme \(scheme.rawValue)")
        }
        return (replacement, scheme)
    }

    private static func behavior(_ value: JSONValue, path: String) throws(TokenizerError) -> SplitBehavior {
        guard let s = value.string, let b = SplitBehavior(rawValue: s) else {
            throw .invalidField(path, reason: "not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous")
        }
        return b
    }

    /// `decoder`: null, one decoder, or a `Sequence` (flattened).
    static func readDecoder(_ value: JSONValue?, path: String) throws(TokenizerError) -> [DecoderStep] {
        guard let value, !value.isNull else { return [] }
        let type = value["type"]?.string ?? "null"
        switch type {
        case "Sequence":
            var out = [DecoderStep]()
            for (i, d) in (value["decoders"]?.array ?? []).enumerated() { out += try readDecoder(d, path: "\(path).decoders[\(i)]") }
            return out
        case "ByteLevel": return [.byteLevel]
        case "ByteFallback": return [.byteFallback]
        case "Fuse": return [.fuse]
        case "Metaspace":
            let (replacement, scheme) = try metaspace(value, path: path)
            return [.metaspace(replacement: replacement, prependScheme: scheme)]
        case "Replace":
            guard let content = value["content"]?.string else { throw .invalidField("\(path).content", reason: "not a string") }
            return [.replace(try literal(value["pattern"], path: "\(path).pattern"), content: content)]
        case "Strip":
            guard let c = value["content"]?.string, c.unicodeScalars.count == 1, let content = c.unicodeScalars.first,
                  let start = value["start"]?.int, let stop = value["stop"]?.int, start >= 0, stop >= 0 else {
                throw .invalidField(path, reason: "Strip needs a one-character content and start/stop counts")
            }
            return [.strip(content: content, start: start, stop: stop)]
        case "BPEDecoder":
            return [.wordSuffix(value["suffix"]?.string ?? "</w>")]
        default:
            throw .unsupported(path: "\(path).type", reason: "decoder \(type) (supported: ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, BPEDecoder, Sequence)")
        }
    }

    private static func flag(_ value: JSONValue, _ key: String, _ path: String) throws(TokenizerError) -> Bool {
        guard let b = value[key]?.bool else { throw .invalidField("\(path).\(key)", reason: "not a boolean") }
        return b
    }

    /// A `{"String": text}` pattern, or a `{"Regex": …}` one that only matches a literal text.
    private static func literal(_ pattern: JSONValue?, path: String) throws(TokenizerError) -> String {
        if let s = pattern?["String"]?.string, !s.isEmpty { return s }
        if let r = pattern?["Regex"]?.string {
            guard let s = literalText(r) else {
                throw .unsupported(path: "\(path).Regex", reason: "the regex \(r.debugDescription) (only literal texts)")
            }
            return s
        }
        throw .invalidField(path, reason: "needs a non-empty String or Regex")
    }

    /// The text a regex matches when it is a literal (metacharacters only escaped), else nil.
    static func literalText(_ regex: String) -> String? {
        var out = String.UnicodeScalarView()
        var escaped = false
        for s in regex.unicodeScalars {
            if escaped {
                // An escaped ASCII letter or digit is a class (\s, \d, \p…), not a literal.
                if s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s)) { return nil }
                out.append(s)
                escaped = false
            } else if s == "\\" {
                escaped = true
            } else if "^$.|?*+()[]{}".unicodeScalars.contains(s) {
                return nil
            } else {
                out.append(s)
            }
        }
        return escaped || out.isEmpty ? nil : String(out)
    }
}
