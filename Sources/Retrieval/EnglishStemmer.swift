/// The Snowball English stemmer ("Porter2", snowballstem.org, algorithm as of Snowball 3.1),
/// the one PyStemmer's `Stemmer.Stemmer("english")` runs and bm25s applies after stop-word removal.
///
/// Works on Unicode scalars: letters outside a–z (and `'`) are consonants to the algorithm, as
/// they are to Snowball's UTF-8 code, and a word shorter than three characters is returned as is.
/// The input is expected in lower case (as BM25Analyzer gives it); upper-case letters are
/// consonants, except that the algorithm's own marker `Y` (a consonant `y`) is turned back into `y`.
public struct EnglishStemmer: Sendable {
    /// The stemmer (it has no settings).
    public init() {}

    /// The stem of one word.
    public func stem(_ word: String) -> String {
        var w = EnglishStemmerWord(Array(word.unicodeScalars))
        guard w.stem() else { return word }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: w.s)
        return String(out)
    }
}

/// One word being stemmed: its scalars and the regions R1 (from `p1`) and R2 (from `p2`).
/// Suffix steps look at the end of `s`; positions are scalar offsets from the start.
struct EnglishStemmerWord {
    var s: [Unicode.Scalar]
    var p1 = 0, p2 = 0
    var yFound = false

    init(_ s: [Unicode.Scalar]) { self.s = s }

    // MARK: letters

    static func isVowel(_ c: Unicode.Scalar) -> Bool {
        switch c { case "a", "e", "i", "o", "u", "y": return true; default: return false }
    }
    /// Not a vowel, nor w, x or Y: the last letter of a short syllable.
    static func isShortEnd(_ c: Unicode.Scalar) -> Bool {
        !isVowel(c) && c != "w" && c != "x" && c != "Y"
    }
    static func isValidLI(_ c: Unicode.Scalar) -> Bool {
        switch c { case "c", "d", "e", "g", "h", "k", "m", "n", "r", "t": return true; default: return false }
    }

    func hasSuffix(_ suffix: String) -> Bool { ends(at: s.count, with: suffix) }
    /// Whether `s[..<end]` ends with `suffix`.
    func ends(at end: Int, with suffix: String) -> Bool {
        var i = end
        for c in suffix.unicodeScalars.reversed() {
            i -= 1
            guard i >= 0, s[i] == c else { return false }
        }
        return true
    }
    /// Whether the word starts with `prefix`.
    func starts(with prefix: String) -> Bool {
        var i = 0
        for c in prefix.unicodeScalars {
            guard i < s.count, s[i] == c else { return false }
            i += 1
        }
        return true
    }
    /// The longest of `suffixes` that the word ends with.
    func longestSuffix(_ suffixes: [String]) -> String? {
        var best: String?
        for x in suffixes where hasSuffix(x) && x.unicodeScalars.count > (best?.unicodeScalars.count ?? -1) { best = x }
        return best
    }
    mutating func replaceSuffix(_ length: Int, with replacement: String) {
        s.removeLast(length)
        s.append(contentsOf: replacement.unicodeScalars)
    }
    /// A short syllable ends at `end`: consonant-vowel-consonant (the last not w, x or Y), or a
    /// vowel-consonant pair that starts the word, or "past".
    func shortSyllable(endingAt end: Int) -> Bool {
        if end >= 3, Self.isShortEnd(s[end - 1]), Self.isVowel(s[end - 2]), !Self.isVowel(s[end - 3]) { return true }
        if end == 2, !Self.isVowel(s[1]), Self.isVowel(s[0]) { return true }
        return ends(at: end, with: "past")
    }
    /// A vowel somewhere in `s[..<end]`.
    func hasVowel(before end: Int) -> Bool { s[..<end].contains(where: Self.isVowel) }

    // MARK: the algorithm

    /// Stems `s` in place; false when the word is returned unchanged (an exception or too short).
    mutating func stem() -> Bool {
        if s.count <= 6, let special = Self.exceptions[String(String.UnicodeScalarView(s))] {  // the longest exception has 6 letters
            s = Array(special.unicodeScalars)
            return true
        }
        guard s.count >= 3 else { return false }
        prelude()
        markRegions()
        step1a(); step1b(); step1c(); step2(); step3(); step4(); step5()
        if yFound { for i in s.indices where s[i] == "Y" { s[i] = "y" } }
        return true
    }

    /// Whole words with a fixed stem (the invariant ones map to themselves).
    static let exceptions: [String: String] = [
        "skis": "ski", "skies": "sky", "idly": "idl", "gently": "gentl", "ugly": "ugli", "early": "earli",
        "only": "onli", "singly": "singl", "sky": "sky", "news": "news", "howe": "howe",
        "atlas": "atlas", "cosmos": "cosmos", "bias": "bias", "andes": "andes",
    ]

    /// Drops a leading apostrophe; marks consonant y (at the start or after a vowel) as `Y`.
    mutating func prelude() {
        if s.first == "'" { s.removeFirst() }
        if s.first == "y" { s[0] = "Y"; yFound = true }
        var i = 0
        while i + 1 < s.count {
            if Self.isVowel(s[i]), s[i + 1] == "y" { s[i + 1] = "Y"; yFound = true }
            i += 1
        }
    }

    /// R1 starts after the first non-vowel that follows a vowel (or after one of a few fixed
    /// prefixes); R2 is the same rule applied again from R1.
    mutating func markRegions() {
        p1 = s.count; p2 = s.count
        var c = 0
        if let prefix = ["gener", "commun", "arsen", "past", "univers", "later", "emerg", "organ", "inter"].first(where: starts) {
            c = prefix.unicodeScalars.count
        } else {
            guard let after = pastVowelThenConsonant(from: 0) else { return }
            c = after
        }
        p1 = c
        if let after = pastVowelThenConsonant(from: c) { p2 = after }
    }

    /// Position after the first non-vowel that follows a vowel, searching from `start`.
    func pastVowelThenConsonant(from start: Int) -> Int? {
        var i = start
        while i < s.count, !Self.isVowel(s[i]) { i += 1 }
        guard i < s.count else { return nil }
        while i < s.count, Self.isVowel(s[i]) { i += 1 }
        guard i < s.count else { return nil }
        return i + 1
    }

    /// Apostrophes and plural s: 's' → ' ', sses → ss, ied/ies → i or ie, s after a vowel-holding part.
    mutating func step1a() {
        if let x = longestSuffix(["'", "'s", "'s'"]) { s.removeLast(x.unicodeScalars.count) }
        guard let x = longestSuffix(["sses", "ied", "ies", "s", "us", "ss"]) else { return }
        let start = s.count - x.unicodeScalars.count
        switch x {
        case "sses": replaceSuffix(4, with: "ss")
        case "ied", "ies": replaceSuffix(3, with: start >= 2 ? "i" : "ie")
        case "s": if start >= 1, hasVowel(before: start - 1) { s.removeLast() }
        default: break
        }
    }
}
