import Tokenization

/// The text bytes of every token of a vocabulary, with a byte trie over them, built once per
/// tokenizer and shared by every constrained request.
///
/// A constraint that judges text byte by byte computes its full mask by walking the trie depth
/// first: a prefix the matcher refuses prunes every token that starts with it, so the cost is
/// the number of trie nodes the matcher can still reach, not the vocabulary size times the
/// token length.
///
/// Special tokens have no text: control, unknown and unused tokens, and the end-of-generation
/// set, are in no mask (the engine decides about end-of-generation tokens itself). User-defined
/// tokens such as Qwen's `<tool_call>` are text and take part by their bytes.
public final class TokenTrie: Sendable {
    /// One trie node in depth-first (preorder) position: its children follow it directly and its
    /// subtree ends at `subtreeEnd`, so a walk skips a refused prefix with one jump.
    struct Node {
        /// The byte on the edge into this node.
        let byte: UInt8
        /// Bytes from the root to this node (1 for the root's children).
        let depth: UInt16
        /// Index one past the last node of this node's subtree.
        var subtreeEnd: Int32
        /// This node's tokens are `tokenIDs[tokenStart ..< nodes[i + 1].tokenStart]`.
        let tokenStart: Int32
    }

    /// Number of token ids (the mask length).
    public let vocabularySize: Int
    /// Preorder nodes plus one sentinel at the end whose `tokenStart` closes the last node.
    let nodes: [Node]
    /// Token ids grouped by the node their bytes end at.
    let tokenIDs: [Int32]
    /// Text bytes of token k: `bytes[starts[k] ..< starts[k + 1]]`; empty for special tokens.
    let bytes: [UInt8]
    let starts: [Int32]
    /// The longest token, in bytes (the deepest trie level).
    let maxTokenLength: Int

    /// The trie of `tokenizer`'s vocabulary.
    public convenience init(tokenizer: Tokenizer) {
        let hidden: TokenAttributes = [.control, .unknown, .unused]
        let pieces: [[UInt8]] = (0..<tokenizer.vocabularySize).map { id in
            if !tokenizer.attributes(of: id).isDisjoint(with: hidden) || tokenizer.isEndOfGeneration(id) { return [] }
            return tokenizer.piece(id, renderSpecial: false)
        }
        self.init(pieces: pieces)
    }

    /// A trie over `pieces[id]`, the text bytes of each token id; an empty piece is never allowed.
    public init(pieces: [[UInt8]]) {
        vocabularySize = pieces.count
        var bytes = [UInt8]()
        bytes.reserveCapacity(pieces.count * 8)
        var starts = [Int32](repeating: 0, count: pieces.count + 1)
        for (id, piece) in pieces.enumerated() {
            bytes.append(contentsOf: piece)
            starts[id + 1] = Int32(bytes.count)
        }
        self.bytes = bytes
        self.starts = starts
        maxTokenLength = pieces.map(\.count).max() ?? 0
        (nodes, tokenIDs) = Self.buildTrie(bytes: bytes, starts: starts)
    }

    /// The text bytes of `token` (empty for special tokens and ids out of range).
    public func bytes(of token: Int) -> ArraySlice<UInt8> {
        guard token >= 0 && token < vocabularySize else { return [] }
        return bytes[Int(starts[token])..<Int(starts[token + 1])]
    }

    /// Sorts the non-empty pieces and lays their trie out in preorder: in sorted order a token's
    /// prefixes come before it and equal pieces are neighbours, so every token attaches to the
    /// node created last.
    static func buildTrie(bytes: [UInt8], starts: [Int32]) -> ([Node], [Int32]) {
        func piece(_ id: Int32) -> ArraySlice<UInt8> { bytes[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])] }
        let order = (0..<Int32(starts.count - 1)).filter { !piece($0).isEmpty && piece($0).count <= Int(UInt16.max) }
            .sorted { piece($0).lexicographicallyPrecedes(piece($1)) }

        var nodes = [Node]()
        var tokenIDs = [Int32]()
        tokenIDs.reserveCapacity(order.count)
        var path = [Int]()        // node index at each depth of the current piece
        var previous: ArraySlice<UInt8> = []
        for id in order {
            let p = piece(id)
            var common = 0
            while common < min(p.count, previous.count) && p[p.startIndex + common] == previous[previous.startIndex + common] {
                common += 1
            }
            while path.count > common { nodes[path.removeLast()].subtreeEnd = Int32(nodes.count) }
            for k in common..<p.count {
                path.append(nodes.count)
                nodes.append(Node(byte: p[p.startIndex + k], depth: UInt16(k + 1), subtreeEnd: 0,
                                  tokenStart: Int32(tokenIDs.count)))
            }
            tokenIDs.append(id)
            previous = p
        }
        while let last = path.popLast() { nodes[last].subtreeEnd = Int32(nodes.count) }
        nodes.append(Node(byte: 0, depth: 0, subtreeEnd: Int32(nodes.count + 1), tokenStart: Int32(tokenIDs.count)))
        return (nodes, tokenIDs)
    }
}
