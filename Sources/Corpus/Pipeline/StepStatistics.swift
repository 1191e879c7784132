#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one step did over some documents: counts in and out, removal reasons with a few
/// examples, and histograms of the quality signals it measured. Task statistics are saved with
/// each finished task and merged in task order, so a resumed run reports what an uninterrupted
/// one does.
public struct StepStatistics: Codable, Sendable, Equatable {
    public var documentsIn = 0
    public var documentsOut = 0
    /// UTF-8 bytes of text entering and leaving the step (kept documents, after any rewrite).
    public var bytesIn = 0
    public var bytesOut = 0
    /// Removals per reason.
    public var reasons: [String: Int] = [:]
    /// The first few removed documents per reason: id and the start of the text.
    public var examples: [String: [Example]] = [:]
    /// Histograms of measured signals, by signal name.
    public var histograms: [String: Histogram] = [:]
    /// Counters a step keeps beyond documents (`emails_redacted`, `clusters`, …).
    public var counters: [String: Int] = [:]

    /// Removed documents kept as examples per reason.
    public static let examplesPerReason = 5

    public struct Example: Codable, Sendable, Equatable {
        public var id: String
        public var excerpt: String
    }

    public init() {}

    mutating func recordDrop(reason: String, document: Document) {
        reasons[reason, default: 0] += 1
        if examples[reason, default: []].count < Self.examplesPerReason {
            examples[reason, default: []].append(Example(id: document.id, excerpt: String(document.text.prefix(240))))
        }
    }

    /// Adds one value of `signal` to its histogram (bins fixed by `range` so that merging is exact).
    public mutating func observe(_ signal: String, _ value: Double, range: ClosedRange<Double>, bins: Int = 20, logarithmic: Bool = false) {
        if histograms[signal] == nil { histograms[signal] = Histogram(lower: range.lowerBound, upper: range.upperBound, bins: bins, logarithmic: logarithmic) }
        histograms[signal]?.add(value)
    }

    /// Adds another task's statistics to these (examples: ours first, then theirs, up to the limit).
    public mutating func merge(_ other: StepStatistics) {
        documentsIn += other.documentsIn
        documentsOut += other.documentsOut
        bytesIn += other.bytesIn
        bytesOut += other.bytesOut
        for (k, v) in other.reasons { reasons[k, default: 0] += v }
        for (k, v) in other.counters { counters[k, default: 0] += v }
        for (k, list) in other.examples {
            let room = Self.examplesPerReason - examples[k, default: []].count
            if room > 0 { examples[k, default: []] += list.prefix(room) }
        }
        for (k, h) in other.histograms {
            if let mine = histograms[k] { histograms[k] = mine.merged(with: h) } else { histograms[k] = h }
        }
    }
}

/// Counts of values in fixed bins over [lower, upper] (values outside go to the end bins);
/// logarithmic bins space log10(1 + value) evenly.
public struct Histogram: Codable, Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var logarithmic: Bool
    public var counts: [Int]
    public var total: Int = 0
    public var sum: Double = 0

    public init(lower: Double, upper: Double, bins: Int, logarithmic: Bool = false) {
        self.lower = lower
        self.upper = upper
        self.logarithmic = logarithmic
        counts = Array(repeating: 0, count: max(1, bins))
    }

    func position(_ v: Double) -> Double {
        logarithmic ? log10(1 + max(0, v)) : v
    }

    /// The bin edges in value units (`counts.count + 1` of them).
    public var edges: [Double] {
        let lo = position(lower), hi = position(upper)
        return (0...counts.count).map { i in
            let p = lo + (hi - lo) * Double(i) / Double(counts.count)
            return logarithmic ? pow(10, p) - 1 : p
        }
    }

    public mutating func add(_ value: Double) {
        guard value.isFinite else { return }
        let lo = position(lower), hi = position(upper)
        let t = hi > lo ? (position(value) - lo) / (hi - lo) : 0
        let i = min(counts.count - 1, max(0, Int((t * Double(counts.count)).rounded(.down))))
        counts[i] += 1
        total += 1
        sum += value
    }

    func merged(with other: Histogram) -> Histogram {
        guard other.counts.count == counts.count, other.lower == lower, other.upper == upper else { return self }
        var m = self
        for i in counts.indices { m.counts[i] += other.counts[i] }
        m.total += other.total
        m.sum += other.sum
        return m
    }
}
