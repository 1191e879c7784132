/// What the main-text extractor removes and keeps. Every default is chosen to match
/// trafilatura's `favor_precision=True` behaviour on documentation and chrome-wrapped pages
/// (Tests/Fixtures/corpus/extraction) while staying exact on synthetic chrome.
public struct HTMLExtractionConfiguration: Codable, Sendable, Equatable {
    /// Elements dropped with their content: scripts, styles, page chrome, forms and controls,
    /// embedded media (their text is fallback content, not the page's).
    public var removedTags: [String] = [
        "head", "title", "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button",
        "iframe", "svg", "math", "select", "textarea", "input", "canvas", "video", "audio", "object",
        "embed", "dialog", "menu", "fieldset", "legend", "label", "noembed", "noframes",
    ]
    /// Keep a `<header>` inside an `<article>` or `<main>`: there it holds the article's title,
    /// not the site's banner.
    public var keepHeadersInArticles = true
    /// Class/id words (matched on '-', '_' and camelCase boundaries) that mark page chrome.
    public var boilerplateWords: [String] = [
        "menu", "menubar", "nav", "navbar", "navigation", "breadcrumb", "breadcrumbs", "cookie", "cookies",
        "consent", "gdpr", "banner", "footer", "header", "masthead", "sidebar", "share", "sharing",
        "social", "related", "comment", "comments", "advert", "advertisement", "ad", "ads", "sponsor",
        "sponsored", "popup", "modal", "skip", "skiplink", "newsletter", "subscribe", "pagination", "pager",
        "toolbar", "topbar",
    ]
    /// Class/id fragments matched anywhere in a token (compound names without separators).
    public var boilerplateFragments: [String] = [
        "sidebar", "navbar", "navheader", "navfooter", "docnav", "breadcrumb", "cookie", "advert",
    ]
    /// ARIA roles of page chrome.
    public var chromeRoles: [String] = [
        "navigation", "banner", "contentinfo", "complementary", "menu", "menubar", "search", "dialog",
        "alertdialog", "toolbar",
    ]
    /// Extract from the first `<main>` / `role="main"` element, or a page's only `<article>`,
    /// when one holds at least `minMainCharacters` of text; otherwise from `<body>`.
    public var preferMainElement = true
    /// Smallest main element (non-space bytes of text) worth preferring over the body.
    public var minMainCharacters = 200
    /// Elements matched by class/id/role that hold more than this share of the content root's
    /// text, and headings, are kept: a "page-header" wrapping the whole article is the page.
    public var maxChromeShare = 0.5
    /// Link density: a block whose link text exceeds this share of its text is boilerplate…
    public var linkDensity = 0.8
    /// …or one with ≥ 2 links of which more than this share are short (< `shortLinkCharacters`).
    public var shortLinkShare = 0.8
    /// Links shorter than this (non-space bytes) count as short (trafilatura's precision value: 50).
    public var shortLinkCharacters = 50
    /// Link-density tests apply to paragraphs shorter than this (non-space bytes)…
    public var linkTestParagraphCharacters = 160
    /// …to other blocks (div, lists, sections, tables) shorter than this…
    public var linkTestBlockCharacters = 80
    /// …and to such blocks shorter than this when they are their parent's last element.
    public var linkTestLastBlockCharacters = 250
    /// Elements nested deeper than this are flattened into their ancestor (bounded memory and
    /// search cost on pathological pages; real pages stay far below).
    public var maxDepth = 512
    /// Write headings as Markdown (`## Title`), so that a structure chunker can see them
    /// (default false: trafilatura's plain-text layout, which the corpus filters expect).
    public var markdownHeadings = false

    /// The defaults.
    public init() {}

    /// Reads a configuration in which every field is optional: absent ones keep their default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = HTMLExtractionConfiguration()
        removedTags = try c.decodeIfPresent([String].self, forKey: .removedTags) ?? d.removedTags
        keepHeadersInArticles = try c.decodeIfPresent(Bool.self, forKey: .keepHeadersInArticles) ?? d.keepHeadersInArticles
        boilerplateWords = try c.decodeIfPresent([String].self, forKey: .boilerplateWords) ?? d.boilerplateWords
        boilerplateFragments = try c.decodeIfPresent([String].self, forKey: .boilerplateFragments) ?? d.boilerplateFragments
        chromeRoles = try c.decodeIfPresent([String].self, forKey: .chromeRoles) ?? d.chromeRoles
        preferMainElement = try c.decodeIfPresent(Bool.self, forKey: .preferMainElement) ?? d.preferMainElement
        minMainCharacters = try c.decodeIfPresent(Int.self, forKey: .minMainCharacters) ?? d.minMainCharacters
        maxChromeShare = try c.decodeIfPresent(Double.self, forKey: .maxChromeShare) ?? d.maxChromeShare
        linkDensity = try c.decodeIfPresent(Double.self, forKey: .linkDensity) ?? d.linkDensity
        shortLinkShare = try c.decodeIfPresent(Double.self, forKey: .shortLinkShare) ?? d.shortLinkShare
        shortLinkCharacters = try c.decodeIfPresent(Int.self, forKey: .shortLinkCharacters) ?? d.shortLinkCharacters
        linkTestParagraphCharacters = try c.decodeIfPresent(Int.self, forKey: .linkTestParagraphCharacters)
            ?? d.linkTestParagraphCharacters
        linkTestBlockCharacters = try c.decodeIfPresent(Int.self, forKey: .linkTestBlockCharacters) ?? d.linkTestBlockCharacters
        linkTestLastBlockCharacters = try c.decodeIfPresent(Int.self, forKey: .linkTestLastBlockCharacters)
            ?? d.linkTestLastBlockCharacters
        maxDepth = try c.decodeIfPresent(Int.self, forKey: .maxDepth) ?? d.maxDepth
        markdownHeadings = try c.decodeIfPresent(Bool.self, forKey: .markdownHeadings) ?? d.markdownHeadings
    }
}
