/// datatrove 0.10.1 `FineWebQualityFilter` (`pipeline/filters/fineweb_quality_filter.py`):
/// FineWeb's line-level rules (Penedo et al. 2024): terminal punctuation, short lines,
/// duplicated lines, and newlines per word.
public struct FineWebQualityFilter: Sendable {
    /// Thresholds.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Smallest fraction of lines ending in a stop character (`line_punct_ratio`).
        public var linePunctThr = 0.12
        /// Do not drop a document none of whose lines ends in a stop character.
        public var linePunctExcludeZero = false
        /// Line endings that count as punctuated (`str.endswith` of any); nil means
        /// datatrove's `TERMINAL_PUNCTUATION` (159 characters).
        public var stopChars: [String]? = nil
        /// Largest fraction of short lines (`short_line_ratio`).
        public var shortLineThr = 0.67
        /// A line of at most this many characters is short.
        public var shortLineLength = 30
        /// Largest share of characters (newlines excluded) in repeated lines (`char_dup_ratio`).
        public var charDuplicatesRatio = 0.01
        /// Largest newlines per word (`list_ratio`).
        public var newLineRatio = 0.3
        /// datatrove's defaults.
        public init() {}
        private enum CodingKeys: String, CodingKey {
            case linePunctThr, linePunctExcludeZero, stopChars, shortLineThr, shortLineLength, charDuplicatesRatio, newLineRatio
        }

        /// Writes every key; a disabled (nil) threshold as `null`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(linePunctThr, forKey: .linePunctThr)
            try c.encode(linePunctExcludeZero, forKey: .linePunctExcludeZero)
            try c.encode(stopChars, forKey: .stopChars)
            try c.encode(shortLineThr, forKey: .shortLineThr)
            try c.encode(shortLineLength, forKey: .shortLineLength)
            try c.encode(charDuplicatesRatio, forKey: .charDuplicatesRatio)
            try c.encode(newLineRatio, forKey: .newLineRatio)
        }

        /// Reads a partial configuration: absent keys keep the defaults, `null` disables.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Self()
            linePunctThr = try c.decodeIfPresent(Double.self, forKey: .linePunctThr) ?? d.linePunctThr
            linePunctExcludeZero = try c.decodeIfPresent(Bool.self, forKey: .linePunctExcludeZero) ?? d.linePunctExcludeZero
            stopChars = c.contains(.stopChars) ? try c.decodeIfPresent([String].self, forKey: .stopChars) : d.stopChars
            shortLineThr = try c.decodeIfPresent(Double.self, forKey: .shortLineThr) ?? d.shortLineThr
            shortLineLength = try c.decodeIfPresent(Int.self, forKey: .shortLineLength) ?? d.shortLineLength
            charDuplicatesRatio = try c.decodeIfPresent(Double.self, forKey: .charDuplicatesRatio) ?? d.charDuplicatesRatio
            newLineRatio = try c.decodeIfPresent(Double.self, forKey: .newLineRatio) ?? d.newLineRatio
        }

    }

    /// The thresholds in use.
    public let configuration: Configuration
    private let stopSuffixes: [[UInt32]]?

    /// A filter with `configuration` (datatrove's defaults unless given).
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        stopSuffixes = configuration.stopChars.map { $0.map { [UInt32](scalarsOf: $0) } }
    }

    /// The ratios the rules compare, all computed (for reports).
    public func signals(_ words: TextWords) -> [String: Double] {
        var out: [String: Double] = [:]
        _ = run(words) { name, value in out[name] = value; return false }
        return out
    }

    /// datatrove's decision, with its reason strings.
    public func evaluate(_ words: TextWords) -> FilterVerdict {
        let c = configuration
        return run(words) { name, value in
            switch name {
            case "line_punct_ratio": return value < c.linePunctThr && !(value == 0 && c.linePunctExcludeZero)
            case "short_line_ratio": return value > c.shortLineThr
            case "char_dup_ratio": return value > c.charDuplicatesRatio
            default: return value > c.newLineRatio
            }
        }
    }

    /// Tokenizes `text` and evaluates it.
    public func evaluate(_ text: String) -> FilterVerdict { evaluate(TextWords(text)) }

    private func run(_ words: TextWords, _ drops: (String, Double) -> Bool) -> FilterVerdict {
        let s = words.scalars
        let lines = PythonStr.split(s, 0..<s.count, on: 0x0A, minimum: 1, keepEmpty: true)
            .filter { !PythonStr.strip(s, $0).isEmpty }
        guard !lines.isEmpty else { return .drop(reason: "empty") }
        let n = Double(lines.count)
        let classes = ScalarClasses.shared
        let punctuated = lines.filter { line in
            if let stops = stopSuffixes { return stops.contains { PythonStr.hasSuffix(s, line, $0) } }
            return classes.has(s[line.upperBound - 1], ScalarClasses.terminalPunctuation)
        }.count
        if drops("line_punct_ratio", Double(punctuated) / n) { return .drop(reason: "line_punct_ratio") }
        let short = lines.filter { $0.count <= configuration.shortLineLength }.count
        if drops("short_line_ratio", Double(short) / n) { return .drop(reason: "short_line_ratio") }
        let newlines = s.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let dupChars = PythonStr.duplicates(s, lines).chars
        if drops("char_dup_ratio", Double(dupChars) / Double(s.count - newlines)) { return .drop(reason: "char_dup_ratio") }
        if drops("list_ratio", Double(newlines) / Double(max(words.count, 1))) { return .drop(reason: "list_ratio") }
        return .keep
    }
}
