import ModelFiles

/// datatrove's `LanguageFilter` (backend `ft176`): predicts every label of `text` with newlines
/// replaced by spaces, writes the best `language` and its `language_score` into the document's
/// metadata, and keeps the document when the score clears the threshold.
public struct LanguageFilter: Sendable {
    /// The filter's settings, with datatrove's defaults.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Languages to keep (ISO codes as LID-176 names them: `en`, `de`, `zh`, …); `nil` keeps
        /// any language whose top score clears the threshold. Default nil (datatrove's).
        public var languages: [String]?
        /// A document is kept when a requested language (or, without `languages`, the best one)
        /// scores strictly above this. Default 0.65 (datatrove's `language_threshold`).
        public var threshold: Double
        /// Only label the document, never drop it. Default false (datatrove's `label_only`).
        public var labelOnly: Bool
        /// Also write `top_language_<code>_score` for every language scoring above this; -1
        /// disables it. Default -1 (datatrove's `keep_top_pairs_threshold`).
        public var keepTopPairsThreshold: Double

        /// A configuration; every argument defaults to datatrove's value.
        public init(languages: [String]? = nil, threshold: Double = 0.65, labelOnly: Bool = false,
                    keepTopPairsThreshold: Double = -1) {
            self.languages = languages
            self.threshold = threshold
            self.labelOnly = labelOnly
            self.keepTopPairsThreshold = keepTopPairsThreshold
        }

        /// Decodes a configuration; missing keys take their defaults.
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Configuration()
            languages = try c.decodeIfPresent([String].self, forKey: .languages)
            threshold = try c.decodeIfPresent(Double.self, forKey: .threshold) ?? d.threshold
            labelOnly = try c.decodeIfPresent(Bool.self, forKey: .labelOnly) ?? d.labelOnly
            keepTopPairsThreshold = try c.decodeIfPresent(Double.self, forKey: .keepTopPairsThreshold) ?? d.keepTopPairsThreshold
        }
    }

    /// The settings in force.
    public let configuration: Configuration
    /// The model that scores the languages.
    public let identifier: LanguageIdentifier

    /// A filter over `identifier` (usually `LanguageIdentifier.locate()`).
    public init(configuration: Configuration = Configuration(), identifier: LanguageIdentifier) {
        self.configuration = configuration
        self.identifier = identifier
    }

    /// Labels `document` (`language`, `language_score`) and decides: `.keep`, or
    /// `.drop(reason: "language")` when no wanted language scores above the threshold.
    public func filter(_ document: inout Document) -> FilterVerdict {
        // datatrove predicts on `text.replace("\n", " ")`; fastText already splits words on
        // "\n" exactly as on " " (the line's one `</s>` is added at the end), so the text goes as is.
        // datatrove asks for every label (k = -1); the best one alone decides when no other
        // language is asked about, or when the threshold is ≥ 0.5 (two labels cannot both
        // exceed one half), and the tree search for one label is about three times faster.
        let c = configuration
        let bestSuffices = c.keepTopPairsThreshold == -1 && (c.languages == nil || c.threshold >= 0.5)
        let scores = identifier.predict(document.text, k: bestSuffices ? 1 : -1)
        guard let best = scores.first else { return configuration.labelOnly ? .keep : .drop(reason: "language") }
        document[metadata: "language"] = .string(best.language)
        document[metadata: "language_score"] = .number(Double(best.probability), integer: nil)
        if configuration.keepTopPairsThreshold != -1 {
            for (language, p) in scores where Double(p) > configuration.keepTopPairsThreshold
                && (configuration.languages?.contains(language) ?? true) {
                document[metadata: "top_language_\(language)_score"] = .number(Double(p), integer: nil)
            }
        }
        if configuration.labelOnly { return .keep }
        let kept: Bool
        if let wanted = configuration.languages {  // datatrove: an empty list keeps nothing
            kept = scores.contains { wanted.contains($0.language) && Double($0.probability) > configuration.threshold }
        } else {
            kept = Double(best.probability) > configuration.threshold
        }
        return kept ? .keep : .drop(reason: "language")
    }
}
