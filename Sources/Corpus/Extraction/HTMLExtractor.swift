import ModelFiles

/// The main text of one HTML page, with what the page says about itself.
public struct ExtractedPage: Sendable, Equatable {
    /// Main text: one block per line (see `HTMLExtractor`); empty when the page has none.
    public var text: String
    /// The first `<title>`, whitespace-collapsed; nil when absent or empty. Never part of `text`.
    public var title: String?
    /// `<html lang>` as written (e.g. "en", "pt-BR"); nil when absent.
    public var language: String?

    /// A page with the given parts.
    public init(text: String, title: String? = nil, language: String? = nil) {
        self.text = text
        self.title = title
        self.language = language
    }
}

/// Why an extractor could not be made from a configuration.
public enum HTMLExtractionError: Error, Equatable, CustomStringConvertible {
    /// `removedTags` names an element the extractor does not know (it would never match).
    case unknownTag(String, field: String)

    /// What was wrong, naming the configuration field.
    public var description: String {
        switch self {
        case .unknownTag(let name, let field): return "HTMLExtractionConfiguration.\(field): unknown tag '\(name)'"
        }
    }
}

/// HTML → main text, the first step of a web-corpus pipeline (what datatrove's
/// `Trafilatura(favour_precision=True)` step does).
///
/// Steps: decode (UTF-8, or Windows-1252 when declared) → tokenize and build a light tree →
/// drop removed tags and hidden elements → choose the content root (`<main>` / role=main / a
/// lone `<article>`, else `<body>`) → drop elements whose class/id/role names chrome → drop
/// link-dense blocks → write the text. Malformed markup and invalid UTF-8 never trap.
public struct HTMLExtractor: Sendable {
    /// The settings this extractor was made with.
    public let configuration: HTMLExtractionConfiguration
    let names: BoilerplateNames
    /// `removedTags` as a table indexed by `HTMLTag.rawValue`.
    let removedTag: [Bool]

    /// An extractor for `configuration`; throws when it names a tag the extractor cannot match.
    public init(configuration: HTMLExtractionConfiguration = .init()) throws(HTMLExtractionError) {
        self.configuration = configuration
        names = BoilerplateNames(words: configuration.boilerplateWords, fragments: configuration.boilerplateFragments,
                                 roles: configuration.chromeRoles)
        var table = [Bool](repeating: false, count: HTMLTag.allCases.count)
        for name in configuration.removedTags {
            var key = HTMLTag.Key(low: 0, high: 0)
            let bytes = Array(name.utf8)
            for (i, b) in bytes.prefix(16).enumerated() { key.add(b, at: i) }
            guard bytes.count <= 16, let tag = HTMLTag.byKey[key] else {
                throw .unknownTag(name, field: "removedTags")
            }
            table[Int(tag.rawValue)] = true
        }
        removedTag = table
    }

    /// Extracts the main text of a page given as bytes (UTF-8 unless a meta tag says otherwise).
    public func extract(_ html: [UInt8]) -> ExtractedPage {
        html.withUnsafeBufferPointer { raw in
            if let converted = HTMLCharset.utf8(raw) {
                return converted.withUnsafeBufferPointer { extractUTF8($0) }
            }
            return extractUTF8(raw)
        }
    }

    /// Extracts the main text of a page given as a string (already decoded: no charset sniffing).
    public func extract(_ html: String) -> ExtractedPage {
        var html = html
        return html.withUTF8 { extractUTF8($0) }
    }

    /// The document with its HTML `text` replaced by the main text, and `title` / `html_lang`
    /// metadata added when the page has them (datatrove's extractor step). The declared
    /// language is not named `language`: that key is the language filter's detected language.
    public func extract(_ document: Document) -> Document {
        var result = document
        let page = extract(document.text)
        result.text = page.text
        if let title = page.title { result[metadata: "title"] = .string(title) }
        if let language = page.language { result[metadata: "html_lang"] = .string(language) }
        return result
    }

    /// The whole pipeline over UTF-8 bytes (Int32 node offsets: inputs beyond 2 GiB are cut).
    func extractUTF8(_ input: UnsafeBufferPointer<UInt8>) -> ExtractedPage {
        let bytes = UnsafeBufferPointer(rebasing: input[0..<min(input.count, Int(Int32.max))])
        let (tree, titleRange) = HTMLTreeBuilder.build(bytes, names: names, maxDepth: configuration.maxDepth)
        let dead = mainContent(tree, bytes: bytes)
        let text = HTMLTextWriter.text(of: tree, root: dead.root, dead: dead.removed, bytes: bytes,
                                       markdownHeadings: configuration.markdownHeadings)
        var title: String?
        if let range = titleRange {
            var writer = HTMLTextWriter()
            title = String(decoding: writer.line(bytes, range), as: UTF8.self)
            if title?.isEmpty == true { title = nil }
        }
        return ExtractedPage(text: String(decoding: text, as: UTF8.self), title: title, language: tree.language)
    }
}
