extension TextMemo {
    /// The text split into words once (spaCy's English rules) and shared by the quality filters.
    func words(of text: String) -> TextWords {
        value(TextWords.self, for: text) { TextWords(text) }
    }
}

/// `gopher_quality`: datatrove's `GopherQualityFilter` (word counts, mean word length, symbol,
/// bullet, ellipsis and alphabetic ratios, stop words).
struct GopherQualityStep: DocumentStep {
    let name = "gopher_quality"
    let filter: GopherQualityFilter

    func process(_ document: inout Document, _ scratch: inout StepScratch) -> FilterVerdict {
        let signals = filter.signals(scratch.memo.words(of: document.text))
        scratch.statistics.observe("non_symbol_words", Double(signals.nonSymbolWords), range: 0...1_000_000, bins: 24, logarithmic: true)
        scratch.statistics.observe("mean_word_length", signals.meanWordLength, range: 0...20, bins: 20)
        return filter.verdict(signals)
    }
}

/// `gopher_repetition`: datatrove's `GopherRepetitionFilter` (duplicate lines and paragraphs,
/// top and duplicated n-gram character fractions).
struct GopherRepetitionStep: DocumentStep {
    let name = "gopher_repetition"
    let filter: GopherRepetitionFilter

    func process(_ document: inout Document, _ scratch: inout StepScratch) -> FilterVerdict {
        filter.evaluate(scratch.memo.words(of: document.text))
    }
}

/// `c4_quality`: datatrove's `C4QualityFilter`; keeps the document's qualifying lines only.
struct C4QualityStep: DocumentStep {
    let name = "c4_quality"
    let filter: C4QualityFilter

    func process(_ document: inout Document, _ scratch: inout StepScratch) -> FilterVerdict {
        let result = filter.evaluate(scratch.memo.words(of: document.text))
        if let kept = result.signals["line-kept"], let total = result.signals["line-total"], total > 0 {
            scratch.statistics.observe("kept_line_fraction", kept / total, range: 0...1, bins: 20)
        }
        if result.verdict.isKept, let text = result.text { document.text = text }
        return result.verdict
    }
}

/// `fineweb_quality`: datatrove's `FineWebQualityFilter` (terminal punctuation, short lines,
/// duplicated line characters, newline ratio).
struct FineWebQualityStep: DocumentStep {
    let name = "fineweb_quality"
    let filter: FineWebQualityFilter

    func process(_ document: inout Document, _ scratch: inout StepScratch) -> FilterVerdict {
        filter.evaluate(scratch.memo.words(of: document.text))
    }
}
