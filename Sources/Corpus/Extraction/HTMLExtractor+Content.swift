/// Deciding what is main content: the content root and the nodes removed from it.
extension HTMLExtractor {
    /// Text statistics of every node's subtree over the nodes still kept.
    struct ContentStatistics {
        /// Non-space bytes of text.
        var text: [Int32]
        /// Non-space bytes of text inside links.
        var linkText: [Int32]
        /// Links with text.
        var links: [Int32]
        /// Links with text shorter than `shortLinkCharacters`.
        var shortLinks: [Int32]
        /// Headings (`h1`…`h6`) with text.
        var headings: [Int32]
    }

    /// The content root and, per node, whether it is left out of the text.
    func mainContent(_ tree: HTMLTree, bytes: UnsafeBufferPointer<UInt8>) -> (root: Int32, removed: [Bool]) {
        let nodes = tree.nodes
        // 1. Removed tags and hidden elements (a parent precedes its children: one forward pass).
        var dead = [Bool](repeating: false, count: nodes.count)
        var inArticle = [Bool](repeating: false, count: nodes.count)
        for i in 1..<nodes.count {
            let n = nodes[i]
            let isElement = n.flags & HTMLTree.Flags.text == 0
            inArticle[i] = inArticle[Int(n.parent)] || (isElement && (n.tag == .article || n.tag == .main))
            let articleHeader = n.tag == .header && inArticle[i] && configuration.keepHeadersInArticles
            dead[i] = dead[Int(n.parent)]
                || (isElement && removedTag[Int(n.tag.rawValue)] && !articleHeader)
                || n.flags & HTMLTree.Flags.hidden != 0
        }
        var stats = statistics(tree, bytes: bytes, dead: dead)
        let root = contentRoot(tree, stats: stats, dead: dead)
        // 2. Chrome named by class / id / role, inside the root, unless it is most of the root
        //    and holds headings (then it wraps the content: "page-header-wrapper", "with-sidebar").
        let chromeLimit = Double(stats.text[Int(root)]) * configuration.maxChromeShare
        var inside = [Bool](repeating: false, count: nodes.count)
        inside[Int(root)] = true
        let chromeFlags = HTMLTree.Flags.boilerplateName | HTMLTree.Flags.boilerplateRole
        for i in (Int(root) + 1)..<max(Int(root) + 1, nodes.count) {
            let n = nodes[i]
            inside[i] = inside[Int(n.parent)]
            guard inside[i] else { continue }
            dead[i] = dead[i] || dead[Int(n.parent)]
                || (n.flags & chromeFlags != 0 && (Double(stats.text[i]) <= chromeLimit || stats.headings[i] == 0))
        }
        // 3. Link-dense blocks, judged on what is left.
        stats = statistics(tree, bytes: bytes, dead: dead)
        var lastElement = [Int32](repeating: -1, count: nodes.count) // per parent, as trafilatura's getnext()
        for i in 1..<nodes.count where !dead[i] && nodes[i].flags & HTMLTree.Flags.text == 0 {
            lastElement[Int(nodes[i].parent)] = Int32(i)
        }
        for i in (Int(root) + 1)..<max(Int(root) + 1, nodes.count) where inside[i] {
            let n = nodes[i]
            let isLast = lastElement[Int(n.parent)] == Int32(i)
            dead[i] = dead[i] || dead[Int(n.parent)] || isLinkDense(i, tree, stats, isLast: isLast)
        }
        return (root, dead)
    }

    /// Sums text and link statistics bottom-up (children have larger indices than parents).
    func statistics(_ tree: HTMLTree, bytes: UnsafeBufferPointer<UInt8>, dead: [Bool]) -> ContentStatistics {
        let nodes = tree.nodes
        let count = nodes.count
        var s = ContentStatistics(text: .init(repeating: 0, count: count), linkText: .init(repeating: 0, count: count),
                                  links: .init(repeating: 0, count: count), shortLinks: .init(repeating: 0, count: count),
                                  headings: .init(repeating: 0, count: count))
        let shortLimit = Int32(clamping: configuration.shortLinkCharacters)
        for i in stride(from: count - 1, through: 1, by: -1) where !dead[i] {
            let n = nodes[i]
            if n.flags & HTMLTree.Flags.text != 0 {
                if n.flags & HTMLTree.Flags.rawText == 0 {
                    var nonSpace: Int32 = 0
                    for k in Int(n.start)..<Int(n.end) where !isSpace(bytes[k]) { nonSpace += 1 }
                    s.text[i] = nonSpace
                }
            } else if n.tag == .a, s.text[i] > 0 {
                s.linkText[i] = s.text[i]
                s.links[i] = 1
                s.shortLinks[i] = s.text[i] < shortLimit ? 1 : 0
            } else if n.tag.isHeading, s.text[i] > 0 {
                s.headings[i] += 1
            }
            let p = Int(n.parent)
            s.text[p] += s.text[i]; s.linkText[p] += s.linkText[i]
            s.links[p] += s.links[i]; s.shortLinks[p] += s.shortLinks[i]; s.headings[p] += s.headings[i]
        }
        return s
    }

    /// `<main>` or `role="main"` (first, with enough text), else a lone `<article>`, else `<body>`.
    func contentRoot(_ tree: HTMLTree, stats: ContentStatistics, dead: [Bool]) -> Int32 {
        let nodes = tree.nodes
        var body: Int32 = 0, main: Int32 = -1, article: Int32 = -1, articles = 0
        let minimum = Int32(clamping: configuration.minMainCharacters)
        for i in 1..<nodes.count where !dead[i] && nodes[i].flags & HTMLTree.Flags.text == 0 {
            let n = nodes[i]
            if n.tag == .body, body == 0 { body = Int32(i) }
            guard configuration.preferMainElement, stats.text[i] >= minimum else { continue }
            if main < 0, n.tag == .main || n.flags & HTMLTree.Flags.mainRole != 0 { main = Int32(i) }
            if n.tag == .article, !tree.isInside(Int32(i), article) { articles += 1; if article < 0 { article = Int32(i) } }
        }
        if main >= 0 { return main }
        if articles == 1 { return article }
        return body
    }

    /// trafilatura's link-density test: a short paragraph, list, div, section or table whose
    /// text is mostly link text, or made of several mostly short links. Blocks with headings
    /// are sections of the text, not link lists, and are kept.
    func isLinkDense(_ i: Int, _ tree: HTMLTree, _ s: ContentStatistics, isLast: Bool) -> Bool {
        let n = tree.nodes[i]
        guard n.flags & HTMLTree.Flags.text == 0, s.links[i] > 0, s.headings[i] == 0 else { return false }
        let limit: Int
        switch n.tag {
        case .p: limit = configuration.linkTestParagraphCharacters
        case .div, .ul, .ol, .dl, .section, .table, .center:
            limit = isLast ? configuration.linkTestLastBlockCharacters
                                                 : configuration.linkTestBlockCharacters
        default: return false
        }
        let text = Double(s.text[i])
        guard text < Double(limit) else { return false }
        return Double(s.linkText[i]) > configuration.linkDensity * text
            || (s.links[i] > 1 && Double(s.shortLinks[i]) > configuration.shortLinkShare * Double(s.links[i]))
    }
}
