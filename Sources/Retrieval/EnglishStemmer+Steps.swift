/// Porter2 steps 1b to 5: each finds the longest of its suffixes and acts on that one only
/// (a shorter suffix is never tried when the longest one's condition fails).
extension EnglishStemmerWord {
    /// -eed, -ed, -ing and their -ly forms; after removing -ed/-ing: restore a final e
    /// (-at, -bl, -iz, or a short word), or undouble a final double consonant.
    mutating func step1b() {
        guard let x = longestSuffix(["eed", "eedly", "ed", "edly", "ing", "ingly"]) else { return }
        let start = s.count - x.unicodeScalars.count
        switch x {
        case "eed", "eedly":
            guard start >= p1 else { return }
            if start <= 4, ["proc", "exc", "succ"].contains(where: { s[..<start].elementsEqual($0.unicodeScalars) }) { return }
            replaceSuffix(x.unicodeScalars.count, with: "ee")
            return
        case "ing":
            if start == 2, s[1] == "y", !Self.isVowel(s[0]) {  // dying → die, lying → lie
                s = [s[0], "i", "e"]
                return
            }
            if start <= 4, ["inn", "out", "cann", "herr", "earr", "even"].contains(where: { s[..<start].elementsEqual($0.unicodeScalars) }) { return }
        default: break
        }
        guard hasVowel(before: start) else { return }
        s.removeLast(s.count - start)
        if hasSuffix("at") || hasSuffix("bl") || hasSuffix("iz") {
            s.append("e")
        } else if s.count >= 2, s[s.count - 1] == s[s.count - 2], "bdfgmnprt".unicodeScalars.contains(s[s.count - 1]) {
            if s.count == 3, "aeo".unicodeScalars.contains(s[0]) { return }  // add, egg, odd stay
            s.removeLast()
        } else if s.count == p1, shortSyllable(endingAt: s.count) {
            s.append("e")
        }
    }

    /// A final y or Y after a consonant that is not the first letter becomes i.
    mutating func step1c() {
        let n = s.count
        guard n >= 3, s[n - 1] == "y" || s[n - 1] == "Y", !Self.isVowel(s[n - 2]) else { return }
        s[n - 1] = "i"
    }

    static let step2Rules: [String: String] = [
        "tional": "tion", "enci": "ence", "anci": "ance", "abli": "able", "entli": "ent", "izer": "ize",
        "ization": "ize", "ational": "ate", "ation": "ate", "ator": "ate", "alism": "al", "aliti": "al",
        "alli": "al", "fulness": "ful", "ousli": "ous", "ousness": "ous", "iveness": "ive", "iviti": "ive",
        "biliti": "ble", "bli": "ble", "ogist": "og", "ogi": "og", "fulli": "ful", "lessli": "less", "li": "",
    ]

    static let step2Suffixes = Array(step2Rules.keys)

    /// Derivational suffixes in R1 (-ational → -ate, -izer → -ize, …).
    mutating func step2() {
        guard let x = longestSuffix(Self.step2Suffixes), let to = Self.step2Rules[x] else { return }
        let n = x.unicodeScalars.count, start = s.count - n
        guard start >= p1 else { return }
        if x == "ogi", !(start >= 1 && s[start - 1] == "l") { return }
        if x == "li", !(start >= 1 && Self.isValidLI(s[start - 1])) { return }
        replaceSuffix(n, with: to)
    }

    static let step3Rules: [String: String] = [
        "tional": "tion", "ational": "ate", "alize": "al", "icate": "ic", "iciti": "ic", "ical": "ic",
        "ful": "", "ness": "", "ative": "",
    ]

    static let step3Suffixes = Array(step3Rules.keys)

    /// More derivational suffixes in R1; -ative only in R2.
    mutating func step3() {
        guard let x = longestSuffix(Self.step3Suffixes), let to = Self.step3Rules[x] else { return }
        let n = x.unicodeScalars.count, start = s.count - n
        guard start >= p1, x != "ative" || start >= p2 else { return }
        replaceSuffix(n, with: to)
    }

    static let step4Suffixes = [
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti",
        "ous", "ive", "ize", "ion",
    ]

    /// Suffixes deleted in R2 (-ion only after s or t).
    mutating func step4() {
        guard let x = longestSuffix(Self.step4Suffixes) else { return }
        let n = x.unicodeScalars.count, start = s.count - n
        guard start >= p2 else { return }
        if x == "ion", !(start >= 1 && (s[start - 1] == "s" || s[start - 1] == "t")) { return }
        s.removeLast(n)
    }

    /// A final e in R2, or in R1 when not after a short syllable; a final l of -ll in R2.
    mutating func step5() {
        guard let last = s.last else { return }
        let start = s.count - 1
        if last == "e", start >= p2 || (start >= p1 && !shortSyllable(endingAt: start)) {
            s.removeLast()
        } else if last == "l", start >= p2, start >= 1, s[start - 1] == "l" {
            s.removeLast()
        }
    }
}
