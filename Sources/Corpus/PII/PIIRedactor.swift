/// Finds personal data in document text and replaces it: e-mail addresses, phone numbers,
/// IPv4/IPv6 addresses, payment-card numbers, IBANs and Chinese resident identity numbers.
///
/// Each kind has a hand-written scanner over the UTF-8 bytes (one pass per enabled kind, no
/// regular expressions); the matches of all kinds are merged left to right, and where two
/// overlap the earlier start wins, then the longer, then the kind with the stronger check
/// (`PIIKind.priority`). Under `Rules.datatrove` the e-mail and IPv4 rules are datatrove's
/// `PIIFormatter` exactly, and `redact` reproduces its output byte for byte.
///
///     let redactor = try PIIRedactor(configuration: .init())
///     redactor.redact("mail bob@example.com").text   // "mail <EMAIL>"
public struct PIIRedactor: Sendable {
    /// The configuration in force.
    public let configuration: Configuration

    /// A redactor; throws `PIIConfigurationError` for an unusable configuration.
    public init(configuration: Configuration = Configuration()) throws {
        for (kind, list) in configuration.cycledReplacements where list.isEmpty {
            throw PIIConfigurationError.emptyReplacementCycle(kind: kind)
        }
        self.configuration = configuration
    }

    /// Every piece of personal data in `text`, in text order, never overlapping.
    /// (Under `Rules.datatrove`, only e-mail and IPv4 addresses, as datatrove would replace them.)
    public func findAll(in text: String) -> [PIIMatch] {
        var copy = text
        return copy.withUTF8 { buffer in
            let t = PIIText(bytes: buffer)
            return matches(in: t).map { PIIMatch(kind: $0.kind, utf8Range: $0.start..<$0.end, text: t.string($0.start..<$0.end)) }
        }
    }

    /// `text` with each match replaced by its kind's token (or the next string of its cycle,
    /// counting from the start of each cycle), and how many of each kind were replaced.
    public func redact(_ text: String) -> (text: String, counts: [PIIKind: Int]) {
        var cycle = PIIReplacementCycle()
        return redact(text, cycle: &cycle)
    }

    /// As `redact(_:)`, carrying the cycled-replacement positions from call to call (datatrove
    /// keeps one position per formatter across all the documents it formats).
    public func redact(_ text: String, cycle: inout PIIReplacementCycle) -> (text: String, counts: [PIIKind: Int]) {
        var counts: [PIIKind: Int] = [:]
        if configuration.rules == .datatrove {
            var current = text
            for kind in [PIIKind.email, .ipv4] where configuration.kinds.contains(kind) {
                current = replace(in: current, cycle: &cycle, counts: &counts) { t in
                    var found: [RawPIIMatch] = []
                    if kind == .email { DatatroveRules.emails(t, into: &found) } else {
                        DatatroveRules.ipv4(t, onlyGlobal: configuration.onlyGlobalIPAddresses, into: &found)
                    }
                    return found
                }
            }
            return (current, counts)
        }
        let result = replace(in: text, cycle: &cycle, counts: &counts) { matches(in: $0) }
        return (result, counts)
    }

    /// Runs `find` over `text` and splices in the replacements.
    private func replace(in text: String, cycle: inout PIIReplacementCycle, counts: inout [PIIKind: Int],
                         find: (PIIText) -> [RawPIIMatch]) -> String {
        var copy = text
        return copy.withUTF8 { buffer in
            let t = PIIText(bytes: buffer)
            let found = find(t)
            guard !found.isEmpty else { return text }
            var out: [UInt8] = []
            out.reserveCapacity(buffer.count)
            var last = 0
            for m in found {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[last..<m.start]))
                out.append(contentsOf: replacement(for: m.kind, cycle: &cycle).utf8)
                counts[m.kind, default: 0] += 1
                last = m.end
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[last..<buffer.count]))
            return String(decoding: out, as: UTF8.self)
        }
    }

    private func replacement(for kind: PIIKind, cycle: inout PIIReplacementCycle) -> String {
        guard let list = configuration.cycledReplacements[kind], !list.isEmpty else { return configuration.token(for: kind) }
        let k = cycle.positions[kind, default: 0] % list.count
        cycle.positions[kind] = (k + 1) % list.count
        return list[k]
    }

    /// All matches of the enabled kinds, merged into one non-overlapping list.
    func matches(in t: PIIText) -> [RawPIIMatch] {
        let c = configuration
        var found: [RawPIIMatch] = []
        if c.rules == .datatrove {
            if c.kinds.contains(.email) { DatatroveRules.emails(t, into: &found) }
            if c.kinds.contains(.ipv4) { DatatroveRules.ipv4(t, onlyGlobal: c.onlyGlobalIPAddresses, into: &found) }
        } else {
            if c.kinds.contains(.email) { EmailScanner.scan(t, into: &found) }
            if c.kinds.contains(.ipv4) { IPv4Scanner.scan(t, onlyGlobal: c.onlyGlobalIPAddresses, into: &found) }
            if c.kinds.contains(.ipv6) { IPv6Scanner.scan(t, onlyGlobal: c.onlyGlobalIPAddresses, into: &found) }
            if c.kinds.contains(.phone) || c.kinds.contains(.creditCard) {
                NumberScanner.scan(t, phones: c.kinds.contains(.phone), cards: c.kinds.contains(.creditCard), into: &found)
            }
            if c.kinds.contains(.iban) { IBANScanner.scan(t, into: &found) }
            if c.kinds.contains(.chineseID) { ChineseIDScanner.scan(t, legacy: c.legacyChineseID, into: &found) }
        }
        return Self.resolveOverlaps(found)
    }

    /// Keeps, left to right, each match that starts at or after the end of the last one kept;
    /// at one start the longer match and then the lower `PIIKind.priority` is tried first.
    static func resolveOverlaps(_ found: [RawPIIMatch]) -> [RawPIIMatch] {
        let sorted = found.sorted {
            ($0.start, $1.end, $0.kind.priority) < ($1.start, $0.end, $1.kind.priority)
        }
        var kept: [RawPIIMatch] = []
        kept.reserveCapacity(sorted.count)
        for m in sorted where m.start >= (kept.last?.end ?? 0) { kept.append(m) }
        return kept
    }
}

/// Where each cycled replacement list stands, carried across `redact` calls.
public struct PIIReplacementCycle: Sendable, Equatable {
    /// Index of the next string to use, per kind.
    public var positions: [PIIKind: Int] = [:]
    /// A cycle at the start of every list.
    public init() {}
}
