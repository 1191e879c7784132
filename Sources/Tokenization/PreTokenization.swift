/// A piece of text as HF's pre-tokenizers see it.
struct TextPiece: Equatable {
    /// Code points.
    var scalars: [UInt32]
    /// Whether the first code point stands at offset 0 of the input (Metaspace's `first` asks).
    var atOrigin: Bool
}

/// A pipeline's pre-tokenizer steps, run over one normalized piece: HF's `pre_tokenize` with its
/// `NormalizedString.split` semantics (each step cuts every current piece; empty pieces are dropped).
struct PreTokenization: Sendable {
    let steps: [PreTokenizerStep]

    /// Whether the words are byte-level (the last step is `ByteLevel`): the model sees their bytes.
    var byteLevel: Bool {
        if case .byteLevel = steps.last { return true }
        return false
    }

    /// The words of one piece, in order.
    func words(_ piece: TextPiece) -> [TextPiece] {
        var pieces = piece.scalars.isEmpty ? [] : [piece]
        for step in steps {
            var next = [TextPiece]()
            next.reserveCapacity(pieces.count * 2)
            for p in pieces { Self.apply(step, p, into: &next) }
            pieces = next
        }
        return pieces
    }

    static func apply(_ step: PreTokenizerStep, _ piece: TextPiece, into out: inout [TextPiece]) {
        let s = piece.scalars
        switch step {
        case .byteLevel(let addPrefixSpace, let useRegex):
            var p = piece
            if addPrefixSpace && p.scalars.first != 0x20 { p.scalars.insert(0x20, at: 0) }
            if useRegex { split(p, matches: regexMatches(p.scalars, .gpt2), .isolated, into: &out) } else { out.append(p) }
        case .split(.string(let pattern), let behavior, let invert):
            var m = literalMatches(s, Array(pattern.unicodeScalars.map(\.value)))
            if invert { for i in m.indices { m[i].isMatch.toggle() } }
            split(piece, matches: m, behavior, into: &out)
        case .split(.regex(let pattern), let behavior, _):
            split(piece, matches: regexMatches(s, pattern), behavior, into: &out)
        case .metaspace(let replacement, let scheme, let cut):
            var p = piece
            let r = replacement.value
            for i in p.scalars.indices where p.scalars[i] == 0x20 { p.scalars[i] = r }
            let prepend = scheme == .always || (scheme == .first && p.atOrigin)
            if prepend && !p.scalars.isEmpty && p.scalars[0] != r { p.scalars.insert(r, at: 0) }
            if cut { split(p, matches: characterMatches(p.scalars) { $0 == r }, .mergedWithNext, into: &out) } else { out.append(p) }
        case .digits(let individual):
            split(piece, matches: characterMatches(s, isNumeric), individual ? .isolated : .contiguous, into: &out)
        case .punctuation(let behavior):
            split(piece, matches: characterMatches(s, isPunctuation), behavior, into: &out)
        case .whitespace:
            split(piece, matches: wordRuns(s), .removed, into: &out)
        case .whitespaceSplit:
            split(piece, matches: characterMatches(s, isWhitespace), .removed, into: &out)
        case .bert:
            var words = [TextPiece]()
            split(piece, matches: characterMatches(s, isWhitespace), .removed, into: &words)
            for w in words { split(w, matches: characterMatches(w.scalars, isPunctuation), .isolated, into: &out) }
        }
    }

    /// A run of code points and whether it matched the step's pattern; a list covers a piece in order.
    struct Match {
        var start: Int, end: Int, isMatch: Bool
    }

    /// HF's `NormalizedString.split`: the pieces `behavior` makes of `matches`, empty ones dropped.
    static func split(_ piece: TextPiece, matches: [Match], _ behavior: SplitBehavior, into out: inout [TextPiece]) {
        var parts = [(start: Int, end: Int)]()
        var previousMatch = false
        switch behavior {
        case .isolated:
            parts = matches.map { ($0.start, $0.end) }
        case .removed:
            parts = matches.filter { !$0.isMatch }.map { ($0.start, $0.end) }
        case .contiguous:
            for m in matches {
                if m.isMatch == previousMatch, !parts.isEmpty { parts[parts.count - 1].end = m.end } else { parts.append((m.start, m.end)) }
                previousMatch = m.isMatch
            }
        case .mergedWithPrevious:
            for m in matches {
                if m.isMatch && !previousMatch, !parts.isEmpty { parts[parts.count - 1].end = m.end } else { parts.append((m.start, m.end)) }
                previousMatch = m.isMatch
            }
        case .mergedWithNext:
            for m in matches.reversed() {
                if m.isMatch && !previousMatch, !parts.isEmpty { parts[parts.count - 1].start = m.start } else { parts.append((m.start, m.end)) }
                previousMatch = m.isMatch
            }
            parts.reverse()
        }
        for p in parts where p.end > p.start {
            out.append(TextPiece(scalars: Array(piece.scalars[p.start..<p.end]), atOrigin: piece.atOrigin && p.start == 0))
        }
    }

    /// Each code point for which `member` holds is a match of its own.
    static func characterMatches(_ s: [UInt32], _ member: (UInt32) -> Bool) -> [Match] {
        var out = [Match]()
        var gapStart = 0
        for i in s.indices where member(s[i]) {
            if i > gapStart { out.append(Match(start: gapStart, end: i, isMatch: false)) }
            out.append(Match(start: i, end: i + 1, isMatch: true))
            gapStart = i + 1
        }
        if s.count > gapStart { out.append(Match(start: gapStart, end: s.count, isMatch: false)) }
        return out
    }

    /// Leftmost non-overlapping occurrences of `needle` (non-empty).
    static func literalMatches(_ s: [UInt32], _ needle: [UInt32]) -> [Match] {
        var out = [Match]()
        var gapStart = 0, i = 0
        while !needle.isEmpty && i + needle.count <= s.count {
            if s[i] == needle[0] && s[i..<(i + needle.count)].elementsEqual(needle) {
                if i > gapStart { out.append(Match(start: gapStart, end: i, isMatch: false)) }
                out.append(Match(start: i, end: i + needle.count, isMatch: true))
                i += needle.count
                gapStart = i
            } else {
                i += 1
            }
        }
        if s.count > gapStart { out.append(Match(start: gapStart, end: s.count, isMatch: false)) }
        return out
    }

    /// The matches of a hand-scanned regex, which cover the piece.
    static func regexMatches(_ s: [UInt32], _ pattern: PreTokenizer) -> [Match] {
        let flags = s.map { CodepointClass.flags($0, .current) }
        let ends = s.withUnsafeBufferPointer { cps in
            flags.withUnsafeBufferPointer { WordSplitter(cps: cps, flags: $0).split(pattern) }
        }
        var out = [Match]()
        var start = 0
        for end in ends where end > start {
            out.append(Match(start: start, end: end, isMatch: true))
            start = end
        }
        return out
    }

    /// `\w+|[^\w\s]+`, inverted: runs of word characters and runs of other non-space characters
    /// are kept (not matches), White_Space runs are matches.
    static func wordRuns(_ s: [UInt32]) -> [Match] {
        // 0: space, 1: word, 2: other.
        func kind(_ v: UInt32) -> Int { isWhitespace(v) ? 0 : isWordCharacter(v) ? 1 : 2 }
        var out = [Match]()
        var i = 0
        while i < s.count {
            let k = kind(s[i])
            var j = i + 1
            while j < s.count && kind(s[j]) == k { j += 1 }
            out.append(Match(start: i, end: j, isMatch: k == 0))
            i = j
        }
        return out
    }
}

/// White_Space (Rust's `char::is_whitespace`, the regex crate's `\s`).
func isWhitespace(_ v: UInt32) -> Bool { Unicode.Scalar(v)?.properties.isWhitespace ?? false }

/// General category N (Rust's `char::is_numeric`).
func isNumeric(_ v: UInt32) -> Bool {
    guard let s = Unicode.Scalar(v) else { return false }
    switch s.properties.generalCategory {
    case .decimalNumber, .letterNumber, .otherNumber: return true
    default: return false
    }
}

/// ASCII punctuation or general category P (HF's `is_punc`).
func isPunctuation(_ v: UInt32) -> Bool {
    if v < 0x80 { return (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v) || (0x7B...0x7E).contains(v) }
    guard let s = Unicode.Scalar(v) else { return false }
    switch s.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
         .finalPunctuation, .otherPunctuation: return true
    default: return false
    }
}

/// The regex crate's Unicode `\w`: Alphabetic, marks, decimal digits, connector punctuation, joiners.
func isWordCharacter(_ v: UInt32) -> Bool {
    guard let s = Unicode.Scalar(v) else { return false }
    let p = s.properties
    if p.isAlphabetic || p.isJoinControl { return true }
    switch p.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
    default: return false
    }
}
