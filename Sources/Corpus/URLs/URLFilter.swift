import Foundation

/// Removes documents by their URL (metadata `url`), as datatrove's `URLFilter` does: a blocked
/// domain or any of its subdomains (`domain`), a blocked exact URL (`url`), a banned word among
/// the URL's words (`hard_blacklisted`), at least `softWordThreshold` soft-banned words
/// (`soft_blacklisted`), a banned sub-word inside the URL with punctuation removed
/// (`blacklisted_subword`). Documents without a URL are kept.
///
/// Differences from datatrove, on purpose: the URL's words are lower-cased before matching
/// (datatrove lower-cases the lists but not the URL, so `Casino` slips past `casino`), and a
/// domain matches at any level instead of through the public-suffix list (`a.b.example.com` is
/// blocked by `example.com` or `b.example.com`).
public struct URLFilter: DocumentStep {
    public struct Configuration: Codable, Sendable, Equatable {
        /// The metadata field holding the URL.
        public var urlKey = "url"
        public var blockDomains: [String] = []
        public var blockUrls: [String] = []
        public var bannedWords: [String] = []
        public var softBannedWords: [String] = []
        public var bannedSubwords: [String] = []
        public var softWordThreshold = 2
        /// Files adding to the lists above, one entry per line (`#` starts a comment line).
        public var blockDomainsFile: String = ""
        public var blockUrlsFile: String = ""
        public var bannedWordsFile: String = ""
        public var softBannedWordsFile: String = ""
        public var bannedSubwordsFile: String = ""
        public init() {}
    }

    public var name = "url_filter"
    let urlKey: String
    let domains: Set<String>
    let urls: Set<String>
    let banned: Set<String>
    let soft: Set<String>
    let subwords: [String]
    let softThreshold: Int

    /// Builds the filter, reading the list files (paths resolved with `resolve`).
    public init(_ c: Configuration, resolve: (String) -> String = { $0 }) throws(CorpusError) {
        func list(_ inline: [String], _ file: String, normalize: Bool) throws(CorpusError) -> [String] {
            var items = inline
            if !file.isEmpty {
                let path = resolve(file)
                guard let data = FileManager.default.contents(atPath: path) else { throw .step(name: "url_filter", reason: "cannot read \(path)") }
                items += String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
            }
            return items.compactMap { raw in
                let s = raw.trimmingCharacters(in: .whitespaces)
                guard !s.isEmpty, !s.hasPrefix("#") else { return nil }
                return normalize ? Self.normalized(s) : s.lowercased()
            }
        }
        urlKey = c.urlKey
        domains = Set(try list(c.blockDomains, c.blockDomainsFile, normalize: false))
        urls = Set(try list(c.blockUrls, c.blockUrlsFile, normalize: false).map { $0 })
        banned = Set(try list(c.bannedWords, c.bannedWordsFile, normalize: true))
        soft = Set(try list(c.softBannedWords, c.softBannedWordsFile, normalize: true))
        subwords = try list(c.bannedSubwords, c.bannedSubwordsFile, normalize: true).filter { !$0.isEmpty }
        softThreshold = c.softWordThreshold
    }

    public func process(_ document: inout Document, _ scratch: inout StepScratch) -> FilterVerdict {
        guard let url = document[metadata: urlKey]?.string, !url.isEmpty else {
            scratch.statistics.counters["without_url", default: 0] += 1
            return .keep
        }
        return verdict(url: url)
    }

    /// The decision for one URL.
    public func verdict(url: String) -> FilterVerdict {
        if let host = Self.host(of: url) {
            var h = Substring(host)
            while true {
                if domains.contains(String(h)) { return .drop(reason: "domain") }
                guard let dot = h.firstIndex(of: ".") else { break }
                h = h[h.index(after: dot)...]
            }
        }
        if urls.contains(url.lowercased()) { return .drop(reason: "url") }
        let words = Set(url.lowercased().split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }.map(String.init))
        if words.contains(where: banned.contains) { return .drop(reason: "hard_blacklisted") }
        if softThreshold > 0, words.filter(soft.contains).count >= softThreshold { return .drop(reason: "soft_blacklisted") }
        if !subwords.isEmpty {
            let flat = Self.normalized(url)
            if subwords.contains(where: { flat.contains($0) }) { return .drop(reason: "blacklisted_subword") }
        }
        return .keep
    }

    /// ASCII letters and digits only, lower-cased (datatrove's `normalize`).
    static func normalized(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0)) })).lowercased()
    }

    /// The host of an absolute URL, lower-cased, without user info, port or a trailing dot.
    static func host(of url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        var rest = url[scheme.upperBound...]
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("[") { return nil }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        let host = rest.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return host.isEmpty ? nil : host
    }
}
