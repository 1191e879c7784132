#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One piece of partitioned text: raw text for the main algorithm, or a special token.
enum TextSegment: Equatable {
    /// Byte range of the input.
    case text(Range<Int>)
    case token(Int32)
}

/// Cuts special tokens out of text before BPE/SentencePiece runs, with llama.cpp's result
/// (`tokenizer_st_partition`): tokens are taken in order of decreasing text length (lowest id
/// first among equals); each takes every leftmost non-overlapping occurrence in the text that
/// earlier tokens left over. Control and unknown tokens take part only when parsing specials;
/// user-defined tokens always do.
///
/// llama.cpp searches the text once per special token (thousands for Gemma). Here a byte trie
/// of all special texts finds, in one pass, which tokens occur at all; only those are searched.
struct SpecialTokenMatcher: Sendable {
    /// Token ids in matching order.
    private let order: [Int32]
    /// UTF-8 text of `order[k]`.
    private let texts: [[UInt8]]
    /// Whether `order[k]` is matched only when parsing specials (control, unknown).
    private let onlyWhenParsing: [Bool]
    /// Trie over `texts`; node 0 is the root. Its children by byte, −1: none.
    private let rootChild: [Int32]
    /// Other edges: node << 8 | byte → child node.
    private let edges: [Int: Int32]
    /// Per node: index into `order` of the text ending there, −1 if none.
    private let terminal: [Int32]
    /// Longest special text, in bytes.
    private let maxLength: Int

    /// - Parameter specials: (id, text, matched only when parsing) for every control,
    ///   user-defined and unknown token.
    init(specials: [(id: Int32, text: [UInt8], onlyWhenParsing: Bool)]) {
        let sorted = specials.filter { !$0.text.isEmpty }.sorted {
            $0.text.count != $1.text.count ? $0.text.count > $1.text.count : $0.id < $1.id
        }
        order = sorted.map(\.id)
        texts = sorted.map(\.text)
        maxLength = texts.first?.count ?? 0
        onlyWhenParsing = sorted.map(\.onlyWhenParsing)

        var edges = [Int: Int32]()
        var term: [Int32] = [-1]
        for (k, text) in texts.enumerated() {
            var node = 0
            for b in text {
                let key = node << 8 | Int(b)
                if let c = edges[key] { node = Int(c); continue }
                term.append(-1)
                node = term.count - 1
                edges[key] = Int32(node)
            }
            term[node] = Int32(k)
        }
        rootChild = (0..<256).map { edges[$0] ?? -1 }
        self.edges = edges
        terminal = term
    }

    /// The matcher for every control, user-defined and unknown token of a vocabulary.
    init(table: ByteStringTable, attributes: [TokenAttributes]) {
        var specials = [(id: Int32, text: [UInt8], onlyWhenParsing: Bool)]()
        for (id, a) in attributes.enumerated() where !a.isDisjoint(with: [.control, .userDefined, .unknown]) {
            specials.append((Int32(id), Array(table.key(at: id)), !a.isDisjoint(with: [.control, .unknown])))
        }
        self.init(specials: specials)
    }

    /// The segments of `text`, in order.
    func partition(_ text: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [TextSegment] {
        if text.isEmpty { return [] }
        let present = occurringTokens(text, parseSpecial: parseSpecial)
        var segments: [TextSegment] = [.text(0..<text.count)]
        for k in present {
            var next = [TextSegment]()
            next.reserveCapacity(segments.count + 2)
            let needle = texts[k]
            for segment in segments {
                guard case .text(let range) = segment else { next.append(segment); continue }
                var from = range.lowerBound
                while let at = find(needle, in: text, from: from, to: range.upperBound) {
                    if at > from { next.append(.text(from..<at)) }
                    next.append(.token(order[k]))
                    from = at + needle.count
                }
                if from < range.upperBound { next.append(.text(from..<range.upperBound)) }
            }
            segments = next
        }
        return segments
    }

    /// Indices into `order` of the tokens whose text occurs somewhere in `text`, ascending.
    private func occurringTokens(_ text: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [Int] {
        var seen = [Bool](repeating: false, count: order.count)
        var any = false
        let n = text.count
        var start = 0
        while start < n {
            var node = Int(rootChild[Int(text[start])])
            var i = start + 1
            while node >= 0 {
                let k = Int(terminal[node])
                if k >= 0 && (parseSpecial || !onlyWhenParsing[k]) { seen[k] = true; any = true }
                guard i < n else { break }
                node = child(of: node, text[i])
                i += 1
            }
            // Inside a run of one byte value (spaces, newlines), a walk that stays in the run
            // sees what the walk from the run's start saw: skip to the last `maxLength` starts.
            var runEnd = start + 1
            while runEnd < n && text[runEnd] == text[start] && runEnd - start <= maxLength { runEnd += 1 }
            if runEnd - start > maxLength {
                while runEnd < n && text[runEnd] == text[start] { runEnd += 1 }
                start = runEnd - maxLength
            } else {
                start += 1
            }
        }
        return any ? seen.indices.filter { seen[$0] } : []
    }

    @inline(__always)
    private func child(of node: Int, _ b: UInt8) -> Int { Int(edges[node << 8 | Int(b)] ?? -1) }

    private func find(_ needle: [UInt8], in text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard to - from >= needle.count else { return nil }
        let base = UnsafeRawPointer(text.baseAddress!)
        let first = Int32(needle[0])
        return needle.withUnsafeBytes { nb in
            var at = from
            let last = to - needle.count  // last possible start
            while at <= last {
                guard let p = memchr(base + at, first, last - at + 1) else { return nil }
                at = UnsafeRawPointer(p) - base
                if memcmp(base + at, nb.baseAddress!, needle.count) == 0 { return at }
                at += 1
            }
            return nil
        }
    }
}
