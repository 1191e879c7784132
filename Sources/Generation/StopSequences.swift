/// Finds stop strings in streamed text. Text that could still become a stop string is held
/// back, so a stream never shows part of a stop sequence; when one completes, the text before
/// it is released and generation ends.
public struct StopSequences: Sendable {
    public let stops: [String]
    private var pending = ""

    public init(_ stops: [String]) { self.stops = stops.filter { !$0.isEmpty } }

    /// Adds newly decoded text; returns what may be shown now, and whether a stop string ended
    /// the text (the returned text then ends just before it).
    public mutating func push(_ text: String) -> (emit: String, stopped: Bool) {
        guard !stops.isEmpty else { return (text, false) }
        pending += text
        // Earliest complete stop string.
        var earliest: String.Index? = nil
        for s in stops {
            if let r = pending.range(of: s), earliest == nil || r.lowerBound < earliest! { earliest = r.lowerBound }
        }
        if let cut = earliest {
            let out = String(pending[..<cut])
            pending = ""
            return (out, true)
        }
        // Hold back the longest suffix that is a prefix of some stop string.
        var hold = 0
        for s in stops {
            var k = min(s.count - 1, pending.count)
            while k > hold {
                if pending.hasSuffix(s.prefix(k)) { hold = k; break }
                k -= 1
            }
        }
        let emitEnd = pending.index(pending.endIndex, offsetBy: -hold)
        let out = String(pending[..<emitEnd])
        pending = String(pending[emitEnd...])
        return (out, false)
    }

    /// Releases held-back text at the end of generation.
    public mutating func flush() -> String {
        defer { pending = "" }
        return pending
    }
}

extension String {
    /// The range of the first occurrence of `needle` (Foundation-free).
    func range(of needle: String) -> Range<String.Index>? {
        guard !needle.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }
}
