/// A light HTML document tree in flat arrays: nodes appear in document order (a parent before
/// its children), linked by indices, so every walk is a loop and deep nesting cannot overflow
/// the call stack. Text nodes hold byte ranges into the input; nothing is decoded here.
struct HTMLTree {
    /// One element or text node.
    struct Node {
        /// The element's tag (`.other` for text nodes and unknown elements).
        var tag: HTMLTag
        /// `Flags` bits.
        var flags: UInt8
        var parent: Int32
        var firstChild: Int32 = -1
        var lastChild: Int32 = -1
        var nextSibling: Int32 = -1
        /// Text nodes: the byte range of their text in the input.
        var start: Int32 = 0
        var end: Int32 = 0
    }

    /// What the builder learnt about a node from its kind and attributes.
    enum Flags {
        /// A text node (else an element).
        static let text: UInt8 = 1
        /// Text that is never entity-decoded (script, style …).
        static let rawText: UInt8 = 2
        /// `hidden`, `aria-hidden="true"` or an inline `display:none` / `visibility:hidden`.
        static let hidden: UInt8 = 4
        /// A class or id token names boilerplate (menu, cookie banner, share bar …).
        static let boilerplateName: UInt8 = 8
        /// An ARIA role of page chrome (navigation, banner, contentinfo, complementary …).
        static let boilerplateRole: UInt8 = 16
        /// `role="main"`.
        static let mainRole: UInt8 = 32
        /// CDATA section content (text even where the element would be raw).
        static let cdata: UInt8 = 64
    }

    /// All nodes; index 0 is the document root (an element with tag `.other`).
    var nodes: [Node]
    /// `<html lang>`, when given.
    var language: String?

    init() {
        nodes = [Node(tag: .other, flags: 0, parent: -1)]
    }

    /// Appends a node under `parent` and returns its index.
    @inline(__always)
    mutating func append(_ node: Node) -> Int32 {
        let index = Int32(truncatingIfNeeded: nodes.count)
        let parent = Int(node.parent)
        nodes.append(node)
        if nodes[parent].lastChild >= 0 {
            nodes[Int(nodes[parent].lastChild)].nextSibling = index
        } else {
            nodes[parent].firstChild = index
        }
        nodes[parent].lastChild = index
        return index
    }

    /// Whether `index` lies inside the subtree of `ancestor` (or is it).
    func isInside(_ index: Int32, _ ancestor: Int32) -> Bool {
        var current = index
        while current >= 0 {
            if current == ancestor { return true }
            current = nodes[Int(current)].parent
        }
        return false
    }
}
