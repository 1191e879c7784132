/// Builds an `HTMLTree` from tokens with HTML's implied end tags (p, li, dt/dd, tr/td/th,
/// thead/tbody/tfoot, option/optgroup, headings, nested links), void elements, and tolerant
/// matching of stray end tags. Nesting deeper than `maxDepth` is flattened (children attach to
/// the deepest kept element), so a page of a million nested divs costs memory, not stack.
struct HTMLTreeBuilder {
    private(set) var tree = HTMLTree()
    /// The first `<title>`'s text range, if any.
    private(set) var title: Range<Int>?
    private let bytes: UnsafeBufferPointer<UInt8>
    private let names: BoilerplateNames
    private let maxDepth: Int
    /// Open elements: node index, tag and name key (to match unknown elements' end tags).
    private var stack: [(node: Int32, tag: HTMLTag, key: HTMLTag.Key)] = []
    /// Start tags opened beyond `maxDepth`, not in the stack; their end tags are absorbed.
    private var overflow = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>, names: BoilerplateNames, maxDepth: Int) {
        self.bytes = bytes
        self.names = names
        self.maxDepth = max(4, maxDepth)
        stack.reserveCapacity(64)
        stack.append((0, .other, HTMLTag.Key(low: 0, high: 0)))
        tree.nodes.reserveCapacity(bytes.count / 24 + 16)
    }

    /// Tokenizes the whole input and returns the tree.
    static func build(_ bytes: UnsafeBufferPointer<UInt8>, names: BoilerplateNames, maxDepth: Int)
        -> (tree: HTMLTree, title: Range<Int>?) {
        var builder = HTMLTreeBuilder(bytes, names: names, maxDepth: maxDepth)
        var tokenizer = HTMLTokenizer(bytes)
        while let token = tokenizer.next() {
            switch token {
            case .text(let start, let end, let raw):
                builder.text(start, end, raw: raw)
            case .cdata(let start, let end):
                builder.text(start, end, raw: false, cdata: true)
            case .startTag(let tag, let key, let selfClosing):
                builder.startTag(tag, key: key, selfClosing: selfClosing, attributes: tokenizer.attributes)
            case .endTag(let tag, let key):
                builder.endTag(tag, key: key)
            case .comment, .doctype:
                break
            }
        }
        return (builder.tree, builder.title)
    }

    private var current: Int32 { stack[stack.count - 1].node }
    private var currentTag: HTMLTag { stack[stack.count - 1].tag }

    mutating func text(_ start: Int, _ end: Int, raw: Bool, cdata: Bool = false) {
        if currentTag == .title, title == nil { title = start..<end }
        if currentTag == .head {
            var k = start
            while k < end, isSpace(bytes[k]) { k += 1 }
            if k == end { return } // whitespace between head elements
            stack.removeLast() // text in <head> starts the body
        }
        if overflow > 0, raw { return } // a raw-text element that was not kept: drop its text
        var flags = HTMLTree.Flags.text | (raw ? HTMLTree.Flags.rawText : 0)
        if cdata { flags |= HTMLTree.Flags.cdata }
        _ = tree.append(HTMLTree.Node(tag: .other, flags: flags, parent: current,
                                      start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: end)))
    }

    mutating func startTag(_ tag: HTMLTag, key: HTMLTag.Key, selfClosing: Bool, attributes: [HTMLAttributeSpan]) {
        if tag == .html || tag == .body || tag == .head, stack.contains(where: { $0.tag == tag }) {
            if tag == .html { readLanguage(attributes) }
            return // a second <html>/<body>: its attributes would merge; its content just continues
        }
        if currentTag == .head, !tag.belongsInHead { stack.removeLast() } // content starts the body
        closeImplied(by: tag)
        var flags: UInt8 = 0
        for a in attributes { flags |= attributeFlags(a) }
        if tag == .html { readLanguage(attributes) }
        let isLeaf = tag.isVoid || (selfClosing && tag == .other)
        if !isLeaf, stack.count >= maxDepth { overflow += 1; return }
        let node = tree.append(HTMLTree.Node(tag: tag, flags: flags, parent: current))
        if !isLeaf { stack.append((node, tag, key)) }
    }

    mutating func endTag(_ tag: HTMLTag, key: HTMLTag.Key) {
        if overflow > 0 { overflow -= 1; return }
        if tag == .br { startTag(.br, key: key, selfClosing: false, attributes: []); return }
        if tag == .body || tag == .html { return } // content after </body> still belongs to the body
        // Search the open elements; an inline end tag does not close across a block element,
        // and no end tag closes across a table cell or other scope boundary of its own kind.
        var i = stack.count - 1
        while i > 0 {
            let open = stack[i]
            if open.tag == tag, tag != .other || open.key == key {
                stack.removeSubrange(i...)
                return
            }
            if !tag.isBlock, open.tag.isBlock { return }
            if open.tag.isScopeBoundary, !tag.isScopeBoundary || tag == .button { return }
            i -= 1
        }
    }

    /// Pops the elements a start tag `tag` closes implicitly.
    private mutating func closeImplied(by tag: HTMLTag) {
        if tag.closesParagraph { closeOpen(.p, stopAt: []) }
        switch tag {
        case .li: closeOpen(.li, stopAt: [.ul, .ol, .menu, .dir])
        case .dt, .dd: closeOpen(.dt, stopAt: [.dl]); closeOpen(.dd, stopAt: [.dl])
        case .tr: closeOpen(.tr, stopAt: [.table, .thead, .tbody, .tfoot], through: [.td, .th])
        case .td, .th: closeOpen(.td, stopAt: [.tr, .table]); closeOpen(.th, stopAt: [.tr, .table])
        case .thead, .tbody, .tfoot:
            for t in [HTMLTag.thead, .tbody, .tfoot] { closeOpen(t, stopAt: [.table], through: [.td, .th]) }
        case .option: if currentTag == .option { stack.removeLast() }
        case .optgroup:
            if currentTag == .option { stack.removeLast() }
            if currentTag == .optgroup { stack.removeLast() }
        case .h1, .h2, .h3, .h4, .h5, .h6: if currentTag.isHeading { stack.removeLast() }
        case .a: closeOpen(.a, stopAt: [])
        default: break
        }
    }

    /// Closes the nearest open `tag` (and everything above it) unless a scope boundary (other
    /// than those in `through`: a new row closes the open cell) or one of `stopAt` is met first.
    private mutating func closeOpen(_ tag: HTMLTag, stopAt: [HTMLTag], through: [HTMLTag] = []) {
        var i = stack.count - 1
        while i > 0 {
            let t = stack[i].tag
            if t == tag { stack.removeSubrange(i...); return }
            if (t.isScopeBoundary && !through.contains(t)) || stopAt.contains(t) { return }
            i -= 1
        }
    }

    private mutating func readLanguage(_ attributes: [HTMLAttributeSpan]) {
        for a in attributes where tree.language == nil && nameIs(a, "lang") {
            let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[a.valueStart..<a.valueEnd]), as: UTF8.self)
            let trimmed = value.trimmingASCIISpaces()
            if !trimmed.isEmpty { tree.language = trimmed }
        }
    }

    /// Flags an attribute contributes: boilerplate class/id tokens, chrome roles, hiding.
    private func attributeFlags(_ a: HTMLAttributeSpan) -> UInt8 {
        let length = a.nameEnd - a.nameStart
        let value = UnsafeBufferPointer(rebasing: bytes[a.valueStart..<a.valueEnd])
        switch length {
        case 2 where nameIs(a, "id"), 5 where nameIs(a, "class"):
            return names.matches(value) ? HTMLTree.Flags.boilerplateName : 0
        case 4 where nameIs(a, "role"):
            if asciiEquals(value, "main") { return HTMLTree.Flags.mainRole }
            return names.isChromeRole(value) ? HTMLTree.Flags.boilerplateRole : 0
        case 6 where nameIs(a, "hidden"):
            return HTMLTree.Flags.hidden
        case 11 where nameIs(a, "aria-hidden"):
            return asciiEquals(value, "true") ? HTMLTree.Flags.hidden : 0
        case 5 where nameIs(a, "style"):
            return hidesElement(value) ? HTMLTree.Flags.hidden : 0
        default:
            return 0
        }
    }

    private func nameIs(_ a: HTMLAttributeSpan, _ name: StaticString) -> Bool {
        asciiEquals(UnsafeBufferPointer(rebasing: bytes[a.nameStart..<a.nameEnd]), name)
    }

    /// `display:none` or `visibility:hidden` in an inline style (spaces ignored).
    private func hidesElement(_ style: UnsafeBufferPointer<UInt8>) -> Bool {
        var compact: [UInt8] = []
        compact.reserveCapacity(style.count)
        for b in style where !isSpace(b) { compact.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b) }
        return compact.containsSubsequence(Array("display:none".utf8))
            || compact.containsSubsequence(Array("visibility:hidden".utf8))
    }
}

/// Case-insensitive comparison of ASCII bytes with a lower-case literal.
func asciiEquals(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
    guard bytes.count == word.utf8CodeUnitCount else { return false }
    let w = word.utf8Start
    for k in 0..<bytes.count {
        let b = bytes[k]
        if (b >= 0x41 && b <= 0x5A ? b | 0x20 : b) != w[k] { return false }
    }
    return true
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs as a contiguous run (naive search; used on short attribute values).
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace.
    func trimmingASCIISpaces() -> String {
        let u = Array(utf8)
        var a = 0, b = u.count
        while a < b, isSpace(u[a]) { a += 1 }
        while b > a, isSpace(u[b - 1]) { b -= 1 }
        return String(decoding: u[a..<b], as: UTF8.self)
    }
}
