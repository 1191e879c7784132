import ModelFiles

/// `extract_html`: the page's main text (boilerplate, navigation, scripts removed), title to
/// metadata. Documents whose metadata `format` says they are not HTML (text or Markdown files)
/// pass unchanged; a page with no main text is removed (`empty_extraction`).
struct ExtractHTMLStep: DocumentStep {
    let name = "extract_html"
    let extractor: HTMLExtractor

    func process(_ document: inout Document, _ scratch: inout StepScratch) -> FilterVerdict {
        if let format = document[metadata: "format"]?.string, format != "html" { return .keep }
        document = extractor.extract(document)
        return document.text.isEmpty ? .drop(reason: "empty_extraction") : .keep
    }
}

/// `normalize`: Unicode normal form, mojibake repair, control characters, line endings.
struct NormalizeStep: DocumentStep {
    let name = "normalize"
    let cleaner: UnicodeCleaner

    func process(_ document: inout Document, _ scratch: inout StepScratch) -> FilterVerdict {
        let before = document.text
        cleaner.clean(&document)
        if document.text != before { scratch.statistics.counters["changed", default: 0] += 1 }
        return .keep
    }
}

/// `language`: fastText LID-176 as datatrove's `LanguageFilter` (metadata `language`,
/// `language_score`); counts documents per language for the report.
struct LanguageStep: DocumentStep {
    let name = "language"
    let filter: LanguageFilter

    func process(_ document: inout Document, _ scratch: inout StepScratch) -> FilterVerdict {
        let verdict = filter.filter(&document)
        if let language = document[metadata: "language"]?.string {
            scratch.statistics.counters["language:" + language, default: 0] += 1
        }
        if case .number(let score, _)? = document[metadata: "language_score"] {
            scratch.statistics.observe("language_score", score, range: 0...1, bins: 20)
        }
        return verdict
    }
}

/// `pii`: redacts e-mails, phones, IPs, cards, IBANs and Chinese ID numbers in place; counts
/// redactions per kind. Never removes a document.
struct PIIStep: DocumentStep {
    let name = "pii"
    let redactor: PIIRedactor

    func process(_ document: inout Document, _ scratch: inout StepScratch) -> FilterVerdict {
        var cycle = scratch.state as? PIIReplacementCycle ?? PIIReplacementCycle()
        let counts = redactor.redact(&document, cycle: &cycle)
        scratch.state = cycle
        for (kind, n) in counts where n > 0 { scratch.statistics.counters[kind.rawValue + "_redacted", default: 0] += n }
        if counts.values.contains(where: { $0 > 0 }) { scratch.statistics.counters["documents_with_pii", default: 0] += 1 }
        return .keep
    }
}
