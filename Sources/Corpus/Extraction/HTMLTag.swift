/// The HTML elements the extractor treats specially, by lower-cased name; everything else is
/// `.other` (custom elements, unknown and rare tags: treated as inline containers).
enum HTMLTag: UInt8, CaseIterable, Sendable {
    case other, html, head, body, title, meta, base, link, script, style, noscript, template
    case textarea, xmp, iframe, noembed, noframes, plaintext
    case nav, header, footer, aside, form, button, svg, math, select, option, optgroup, input
    case label, canvas, video, audio, object, embed, param, source, track, wbr, area, map, picture
    case p, div, span, a, br, hr, img, li, ul, ol, dl, dt, dd, menu, dir
    case table, caption, colgroup, col, thead, tbody, tfoot, tr, td, th
    case h1, h2, h3, h4, h5, h6, pre, code, blockquote, main, article, section
    case figure, figcaption, details, summary, address, center, dialog, fieldset, legend, hgroup

    /// Lower-cased ASCII name packed into two little-endian words (names of ≤ 16 bytes).
    struct Key: Hashable { var low: UInt64; var high: UInt64 }

    static let byKey: [Key: HTMLTag] = {
        var table: [Key: HTMLTag] = [:]
        for tag in allCases where tag != .other {
            let name = Array(String(describing: tag).utf8)
            var key = Key(low: 0, high: 0)
            for (i, b) in name.enumerated() { key.add(b, at: i) }
            table[key] = tag
        }
        return table
    }()

    /// Elements with no content and no end tag.
    var isVoid: Bool {
        switch self {
        case .area, .base, .br, .col, .embed, .hr, .img, .input, .link, .meta, .param, .source, .track, .wbr:
            return true
        default: return false
        }
    }

    /// Elements whose content is raw text up to the matching end tag (no markup inside).
    var isRawText: Bool {
        switch self {
        case .script, .style, .textarea, .title, .xmp, .iframe, .noembed, .noframes, .noscript, .plaintext:
            return true
        default: return false
        }
    }

    /// Elements that begin and end a line of output text.
    var isBlock: Bool {
        switch self {
        case .html, .body, .p, .div, .li, .ul, .ol, .dl, .dt, .dd, .menu, .dir, .table, .caption, .tr,
             .thead, .tbody, .tfoot, .h1, .h2, .h3, .h4, .h5, .h6, .pre, .blockquote, .main, .article,
             .section, .figure, .figcaption, .details, .summary, .address, .center, .dialog, .fieldset,
             .legend, .hgroup, .header, .footer, .nav, .aside, .form, .hr, .option:
            return true
        default: return false
        }
    }

    /// Start tags that implicitly close an open `<p>` (HTML's "close a p element" list).
    var closesParagraph: Bool {
        switch self {
        case .address, .article, .aside, .blockquote, .center, .details, .dialog, .dir, .div, .dl, .fieldset,
             .figcaption, .figure, .footer, .form, .h1, .h2, .h3, .h4, .h5, .h6, .header, .hgroup, .hr,
             .main, .menu, .nav, .ol, .p, .pre, .section, .summary, .table, .ul, .li, .dd, .dt, .xmp, .plaintext:
            return true
        default: return false
        }
    }

    /// Elements that stop the search for an open element to close implicitly (scope markers).
    var isScopeBoundary: Bool {
        switch self {
        case .html, .table, .td, .th, .caption, .template, .object, .button, .select: return true
        default: return false
        }
    }

    /// Elements that may stay inside `<head>`; any other start tag there begins the body.
    var belongsInHead: Bool {
        switch self {
        case .title, .meta, .link, .base, .style, .script, .noscript, .template, .head: return true
        default: return false
        }
    }

    /// Headings `h1`…`h6`.
    var isHeading: Bool { rawValue >= HTMLTag.h1.rawValue && rawValue <= HTMLTag.h6.rawValue }
}

extension HTMLTag.Key {
    /// Adds lower-cased byte `b` at position `i` (positions ≥ 16 are ignored by the caller).
    @inline(__always)
    mutating func add(_ b: UInt8, at i: Int) {
        let lower = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
        if i < 8 { low |= UInt64(lower) << (8 * UInt64(i)) } else { high |= UInt64(lower) << (8 * UInt64(i - 8)) }
    }
}
