/// Recognises page chrome by the words of `class` / `id` values and by ARIA roles.
///
/// A value is split into tokens at whitespace, and each token into parts at '-', '_', ':' and
/// lower→upper case changes (`site-header`, `cookie_banner`, `shareButtons`). A part equal to
/// one of `words` matches (word-boundary matching: `nav` matches `main-nav` but not `canvas`);
/// a token containing one of `fragments` matches anywhere (`sphinxsidebar`, `navheader`).
/// Matching is case-insensitive, on bytes, without allocating (it runs on every class value).
struct BoilerplateNames: Sendable {
    /// Lower-cased words, bucketed by byte length.
    let wordsByLength: [[[UInt8]]]
    let fragments: [[UInt8]]
    let roles: Set<String>

    init(words: [String], fragments: [String], roles: [String]) {
        let lowered = words.map { Array($0.lowercased().utf8) }.filter { !$0.isEmpty }
        var buckets = [[[UInt8]]](repeating: [], count: (lowered.map(\.count).max() ?? 0) + 1)
        for w in lowered { buckets[w.count].append(w) }
        wordsByLength = buckets
        self.fragments = fragments.map { Array($0.lowercased().utf8) }.filter { !$0.isEmpty }
        self.roles = Set(roles.map { $0.lowercased() })
    }

    /// Whether a class or id value names boilerplate.
    func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < value.count {
            while i < value.count, isSpace(value[i]) { i += 1 }
            let start = i
            while i < value.count, !isSpace(value[i]) { i += 1 }
            if i > start, tokenMatches(value, start, i) { return true }
        }
        return false
    }

    /// Whether a `role` value (space-separated roles) names page chrome.
    func isChromeRole(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let text = String(decoding: value, as: UTF8.self).lowercased()
        return text.split(separator: " ").contains { roles.contains(String($0)) }
    }

    /// Token `v[start..<end]`: a fragment anywhere, or a word between part boundaries.
    private func tokenMatches(_ v: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        for f in fragments where f.count <= end - start {
            for s in start...(end - f.count) where equalLowered(v, s, f) { return true }
        }
        var partStart = start
        for k in start...end {
            let boundary = k == end || v[k] == 0x2D || v[k] == 0x5F || v[k] == 0x3A
                || (k > partStart && isUpper(v[k]) && !isUpper(v[k - 1]))
            guard boundary else { continue }
            let length = k - partStart
            if length > 0, length < wordsByLength.count {
                for w in wordsByLength[length] where equalLowered(v, partStart, w) { return true }
            }
            partStart = (k < end && isUpper(v[k])) ? k : k + 1
        }
        return false
    }

    /// Whether `v[at..<at + word.count]`, lower-cased, equals `word`.
    @inline(__always)
    private func equalLowered(_ v: UnsafeBufferPointer<UInt8>, _ at: Int, _ word: [UInt8]) -> Bool {
        for k in 0..<word.count {
            let b = v[at + k]
            if (isUpper(b) ? b | 0x20 : b) != word[k] { return false }
        }
        return true
    }

    @inline(__always) private func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
}
