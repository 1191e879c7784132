import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension TokenShardBuilder {
    /// The token that separates documents: `<|endoftext|>` (GPT-2, Qwen, SmolLM) or
    /// `<|end_of_text|>` (Llama 3) when the vocabulary has it as a special token, else the
    /// tokenizer's EOS (`</s>`, `<eos>`). Chat models' EOS is often an end-of-turn marker
    /// (`<|im_end|>`), which is why the pretraining separators come first.
    public static func endOfDocumentToken(of tokenizer: Tokenizer) -> Int? {
        for text in ["<|endoftext|>", "<|end_of_text|>"] {
            if let id = tokenizer.tokenID(of: text), !tokenizer.attributes(of: id).isDisjoint(with: [.control, .userDefined]) {
                return id
            }
        }
        return tokenizer.eos
    }

    /// `fnv1a64:` and 16 hex digits over the tokenizer's algorithm, merge count, and every
    /// token's text and attributes in id order: what the ids mean. Equal fingerprints mean the
    /// same vocabulary; it does not hash the merge rules themselves.
    public static func fingerprint(of tokenizer: Tokenizer) -> String {
        var h = FNV1a64()
        h.update("tern-vocabulary-1 \(tokenizer.algorithm) \(tokenizer.mergeCount)")
        h.update(integer: UInt64(tokenizer.vocabularySize))
        for id in 0..<tokenizer.vocabularySize {
            h.update(tokenizer.tokenText(id) ?? "")
            h.update(integer: UInt8(0))
            h.update(integer: tokenizer.attributes(of: id).rawValue)
        }
        return "fnv1a64:" + hex(h.value).dropFirst(2)
    }

    /// The ids a document becomes in the shards: its encoding, then the end-of-document token
    /// when configured.
    public func tokens(ofDocument text: String) -> [Int32] {
        var t = text
        var ids = t.withUTF8 { tokenizer.encode(utf8: $0, addSpecial: false, parseSpecial: false) }
        if let e = endOfDocumentToken { ids.append(Int32(e)) }
        return ids
    }

    /// The ids of each document of `batch`, in order, or the reason it is unusable. Threads
    /// claim documents one at a time, so long and short ones balance.
    func encode(_ batch: [RawDocument]) -> [Result<[Int32], TokenShardError>] {
        let threads = min(batch.count, configuration.threads > 0 ? configuration.threads
                                                                  : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        if threads <= 1 { return batch.map(encode) }
        let next = Atomic<Int>(0)
        let done = Mutex<[(Int, Result<[Int32], TokenShardError>)]>([])
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var mine = [(Int, Result<[Int32], TokenShardError>)]()
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= batch.count { break }
                mine.append((i, encode(batch[i])))
            }
            done.withLock { $0 += mine }
        }
        return done.withLock { $0.sorted { $0.0 < $1.0 }.map(\.1) }
    }

    /// One document's ids: its text checked (UTF-8, JSON, field) and encoded.
    func encode(_ document: RawDocument) -> Result<[Int32], TokenShardError> {
        guard let text = String(validating: document.bytes, as: UTF8.self) else {
            return .failure(.invalidInput(path: document.path, line: Self.firstInvalidLine(document),
                                          reason: "not valid UTF-8"))
        }
        switch document.format {
        case .text:
            return .success(tokens(ofDocument: text))
        case .jsonLines(let field):
            let value: TemplateValue
            do { value = try TemplateValue(json: text) } catch {
                return .failure(.invalidInput(path: document.path, line: document.line, reason: "not valid JSON: \(error)"))
            }
            guard value.objectValue != nil else {
                return .failure(.invalidInput(path: document.path, line: document.line, reason: "not a JSON object"))
            }
            guard let s = value[field]?.stringValue else {
                return .failure(.invalidInput(path: document.path, line: document.line, reason: "no string field \"\(field)\""))
            }
            return .success(tokens(ofDocument: s))
        }
    }

    /// The line holding the first invalid UTF-8 sequence (no sequence spans a newline byte).
    static func firstInvalidLine(_ document: RawDocument) -> Int {
        var line = document.line
        for part in document.bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if String(validating: part, as: UTF8.self) == nil { return line }
            line += 1
        }
        return document.line
    }
}
