/// Serialises the kept part of an `HTMLTree` as plain text in trafilatura's txt layout: one
/// block (paragraph, heading, list item, table row, `<br>`-separated line) per line, runs of
/// whitespace collapsed to one space, list and definition items as "- item", table rows as
/// "a | b |" with a "---|---|" line under header rows. Unlike trafilatura, `<pre>` is kept
/// verbatim (code indentation matters to the corpus).
struct HTMLTextWriter {
    private(set) var out: [UInt8] = []
    private var lineHasText = false
    private var pendingSpace = false
    private var preDepth = 0
    private var skipNewline = false
    private var scratch: [UInt8] = []
    /// "- " is owed before the next text (an `li`, `dt` or `dd` was entered).
    private var pendingBullet = false
    /// Write headings as Markdown; the level owed before the next text (0: none).
    var markdownHeadings = false
    private var pendingHeading = 0
    /// Cells seen in the current table row, and whether one was a header cell.
    private var rowCells = 0
    private var rowHasHeader = false

    /// The text of `root`'s subtree, leaving out nodes for which `dead` is true.
    static func text(of tree: HTMLTree, root: Int32, dead: [Bool], bytes: UnsafeBufferPointer<UInt8>,
                     markdownHeadings: Bool = false) -> [UInt8] {
        var writer = HTMLTextWriter()
        writer.markdownHeadings = markdownHeadings
        writer.out.reserveCapacity(bytes.count / 4)
        let nodes = tree.nodes
        var index = nodes[Int(root)].firstChild
        walk: while index >= 0 {
            let node = nodes[Int(index)]
            var descend = false
            if !dead[Int(index)] {
                if node.flags & HTMLTree.Flags.text != 0 {
                    if node.flags & HTMLTree.Flags.rawText == 0 {
                        writer.appendText(bytes, Int(node.start), Int(node.end))
                    }
                } else {
                    writer.enter(node.tag)
                    descend = node.firstChild >= 0
                    if !descend { writer.leave(node.tag) }
                }
            }
            if descend { index = node.firstChild; continue }
            // Climb until a next sibling exists, leaving each finished element on the way.
            var current = index
            while true {
                let n = nodes[Int(current)]
                if n.nextSibling >= 0 { index = n.nextSibling; continue walk }
                current = n.parent
                if current == root || current < 0 { break walk }
                writer.leave(nodes[Int(current)].tag)
            }
        }
        writer.endLine()
        if writer.out.last == 0x0A { writer.out.removeLast() }
        return writer.out
    }

    private mutating func enter(_ tag: HTMLTag) {
        if tag.isBlock || tag == .br { endLine() }
        switch tag {
        case .pre: preDepth += 1; skipNewline = true
        case .li, .dt, .dd: pendingBullet = true
        case _ where markdownHeadings && tag.isHeading:
            pendingHeading = Int(tag.rawValue - HTMLTag.h1.rawValue) + 1
        case .tr: rowCells = 0; rowHasHeader = false
        case .td, .th:
            if rowCells > 0 { out.append(contentsOf: [0x20, 0x7C, 0x20]); pendingSpace = false; lineHasText = true }
            rowCells += 1
            rowHasHeader = rowHasHeader || tag == .th
        default: break
        }
    }

    private mutating func leave(_ tag: HTMLTag) {
        switch tag {
        case .pre: preDepth = max(0, preDepth - 1)
        case .li, .dt, .dd: pendingBullet = false
        case _ where markdownHeadings && tag.isHeading: pendingHeading = 0
        case .tr where rowCells > 0:
            out.append(contentsOf: [0x20, 0x7C]); lineHasText = true
            endLine()
            if rowHasHeader {
                for _ in 0..<rowCells { out.append(contentsOf: [0x2D, 0x2D, 0x2D, 0x7C]) }
                out.append(0x0A)
            }
            rowCells = 0
        default: break
        }
        if tag.isBlock { endLine() }
    }

    /// Ends the current line if it holds text (no blank lines between blocks).
    mutating func endLine() {
        if lineHasText { out.append(0x0A) }
        lineHasText = false
        pendingSpace = false
    }

    /// Appends text bytes `start..<end`, decoding character references.
    fileprivate mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        var i = start
        while i < end {
            let b = bytes[i]
            if b == 0x26 { // '&': decode into scratch, then feed the result through the same rules
                scratch.removeAll(keepingCapacity: true)
                i = HTMLEntities.decode(bytes, at: i, end: end, inAttribute: false, into: &scratch)
                if scratch == [0xC2, 0xA0] { space() } else { for c in scratch { byte(c) } }
                continue
            }
            if b == 0xC2, i + 1 < end, bytes[i + 1] == 0xA0 { space(); i += 2; continue } // U+00A0
            if preDepth == 0, isSpace(b) { space() } else { byte(b) }
            i += 1
        }
    }

    @inline(__always)
    private mutating func space() {
        if preDepth > 0 { byte(0x20) } else { pendingSpace = lineHasText }
    }

    @inline(__always)
    private mutating func byte(_ b: UInt8) {
        if preDepth > 0 {
            if b == 0x0D { return }
            if b == 0x0A {
                if skipNewline && !lineHasText { skipNewline = false; return }
                out.append(0x0A); lineHasText = false; return
            }
            out.append(b)
            skipNewline = false
            lineHasText = true
            return
        }
        if isSpace(b) { pendingSpace = lineHasText; return }
        if pendingSpace { out.append(0x20); pendingSpace = false }
        if pendingBullet, !lineHasText { out.append(contentsOf: [0x2D, 0x20]); pendingBullet = false }
        if pendingHeading > 0, !lineHasText {
            out.append(contentsOf: repeatElement(0x23, count: pendingHeading))
            out.append(0x20)
            pendingHeading = 0
        }
        out.append(b)
        lineHasText = true
    }
}

extension HTMLTextWriter {
    /// `range` of `bytes` as one whitespace-collapsed, entity-decoded line (titles).
    mutating func line(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt8] {
        appendText(bytes, range.lowerBound, range.upperBound)
        return out
    }
}
