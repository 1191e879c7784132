import Tokenization

/// The text bytes of every token of a vocabulary, with byte tries over them, built once per
/// tokenizer and shared by every constrained request.
///
/// A constraint that judges text byte by byte computes its full mask by walking a trie depth
/// first: a prefix the matcher refuses prunes every token that starts with it, so the cost is
/// the number of trie nodes the matcher can still reach, not the vocabulary size times the
/// token length. Inside a JSON string nearly nothing is pruned, so the tokens a string takes as
/// plain text are also kept apart (see `plainString`): there only the others are walked.
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

    /// A byte trie over a set of tokens.
    struct Trie {
        /// Preorder nodes plus one sentinel at the end whose `tokenStart` closes the last node.
        let nodes: [Node]
        /// Token ids grouped by the node their bytes end at.
        let tokenIDs: [Int32]
        /// The longest token, in bytes (the deepest level).
        let depth: Int
    }

    /// Tokens that a JSON string takes as they are: whole UTF-8 characters, no quote, no
    /// backslash, no control byte. In a string with room for n more code points, exactly those
    /// of at most n code points are allowed, whatever their bytes.
    struct PlainStringTokens {
        /// Their ids, fewest code points first.
        let ids: [Int32]
        /// Code points of `ids[k]`, ascending.
        let codePoints: [Int32]
        /// `mask[id]`: whether token id is plain.
        let mask: [Bool]
        /// A trie over every other token with text.
        let others: Trie
    }

    /// Number of token ids (the mask length).
    public let vocabularySize: Int
    /// Every token with text.
    let all: Trie
    let plainString: PlainStringTokens
    /// Text bytes of token k: `bytes[starts[k] ..< starts[k + 1]]`; empty for special tokens.
    let bytes: [UInt8]
    let starts: [Int32]

    /// The tries of `tokenizer`'s vocabulary.
    public convenience init(tokenizer: Tokenizer) {
        let hidden: TokenAttributes = [.control, .unknown, .unused]
        let pieces: [[UInt8]] = (0..<tokenizer.vocabularySize).map { id in
            if !tokenizer.attributes(of: id).isDisjoint(with: hidden) || tokenizer.isEndOfGeneration(id) { return [] }
            return tokenizer.piece(id, renderSpecial: false)
        }
        self.init(pieces: pieces)
    }

    /// Tries over `pieces[id]`, the text bytes of each token id; an empty piece is never allowed.
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

        func piece(_ id: Int32) -> ArraySlice<UInt8> { bytes[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])] }
        let withText = (0..<Int32(pieces.count)).filter { !piece($0).isEmpty && piece($0).count <= Int(UInt16.max) }
            .sorted { piece($0).lexicographicallyPrecedes(piece($1)) }
        all = Self.buildTrie(sorted: withText, piece: piece)

        var plain = [(id: Int32, codePoints: Int32)](), others = [Int32]()
        for id in withText {
            if let n = Self.plainStringCodePoints(piece(id)) { plain.append((id, n)) } else { others.append(id) }
        }
        plain.sort { ($0.codePoints, $0.id) < ($1.codePoints, $1.id) }
        var mask = [Bool](repeating: false, count: pieces.count)
        for p in plain { mask[Int(p.id)] = true }
        plainString = PlainStringTokens(ids: plain.map(\.id), codePoints: plain.map(\.codePoints), mask: mask,
                                        others: Self.buildTrie(sorted: others, piece: piece))
    }

    /// The text bytes of `token` (empty for special tokens and ids out of range).
    public func bytes(of token: Int) -> ArraySlice<UInt8> {
        guard token >= 0 && token < vocabularySize else { return [] }
        return bytes[Int(starts[token])..<Int(starts[token + 1])]
    }

    /// Lays out the trie of `ids` (sorted by their bytes) in preorder: in sorted order a token's
    /// prefixes come before it and equal pieces are neighbours, so every token attaches to the
    /// node created last.
    static func buildTrie(sorted ids: [Int32], piece: (Int32) -> ArraySlice<UInt8>) -> Trie {
        var nodes = [Node]()
        var tokenIDs = [Int32]()
        tokenIDs.reserveCapacity(ids.count)
        var path = [Int]()        // node index at each depth of the current piece
        var previous: ArraySlice<UInt8> = []
        for id in ids {
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
        return Trie(nodes: nodes, tokenIDs: tokenIDs, depth: ids.map { piece($0).count }.max() ?? 0)
    }

    /// The code points of a piece that a JSON string takes as plain text, else nil.
    static func plainStringCodePoints(_ piece: ArraySlice<UInt8>) -> Int32? {
        var n: Int32 = 0
        var i = piece.startIndex
        while i < piece.endIndex {
            let lead = piece[i]
            i += 1
            n += 1
            if lead < 0x80 {
                if lead < 0x20 || lead == UInt8(ascii: "\"") || lead == UInt8(ascii: "\\") { return nil }
                continue
            }
            guard let next = JSONStepper.utf8Continuation(lead: lead) else { return nil }
            var due = next >> 16, lowest = UInt8((next >> 8) & 0xFF), highest = UInt8(next & 0xFF)
            while due > 0 {
                guard i < piece.endIndex, piece[i] >= lowest && piece[i] <= highest else { return nil }
                i += 1; due -= 1; lowest = 0x80; highest = 0xBF
            }
        }
        return n
    }
}
