import TestSupport

/// Deterministic varied text for tokenizer training and parity: English prose with contractions
/// and punctuation, code, Chinese and Japanese, emoji (with ZWJ sequences, flags, skin tones),
/// whitespace runs (tabs, CR/LF, no-break and ideographic spaces), digits in several scripts, and
/// code points from assorted blocks (Greek, Cyrillic, Arabic, Devanagari, combining marks, symbols).
struct VariedText {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    static let words = ("the quick brown fox jumps over lazy dog time year people way day man thing woman life child "
        + "world school state family student group country problem hand part place case week company system program "
        + "question work number night point home water room mother area money story fact month right study book "
        + "tokenizer model inference training merge vocabulary byte pair encoding Swift Linux").split(separator: " ").map(String.init)
    static let contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "'Re", "'x"]
    static let chinese = ["人工智能", "是", "计算机", "科学", "的", "一个", "分支", "目标", "让", "机器", "能够", "思考",
                          "，", "。", "东京", "ひらがな", "カタカナ", "한국어", "漢字"]
    static let emoji = ["😀", "🎉", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "🇯🇵", "❤️", "🚀", "🦀", "✨", "🧑‍💻", "🏳️‍🌈"]
    static let spaces = [" ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n ", "\t\t", "\u{00A0}", "\u{3000}", "\u{2003}", "    \n"]
    static let numbers = ["0", "7", "42", "2024", "3.14159", "1,000,000", "123456789", "٣٤٥", "１２３", "²", "½", "Ⅻ", "0x1F"]
    static let code = ["func f(x: Int) -> Int {", "    return x * 2", "}", "let a = [1, 2, 3]", "if (a && b) || !c {",
                       "def main():", "print(\"hello\")", "#include <stdio.h>", "x += 1;", "// comment", "/* block */",
                       "<div class=\"x\">", "a->b", "i++", "==", "!==", "${HOME}", "\\n", "'quoted'", "@attr"]
    static let blocks: [ClosedRange<UInt32>] = [0x21...0x7E, 0xA1...0xFF, 0x370...0x3FF, 0x400...0x4FF, 0x600...0x6FF,
                                                0x900...0x97F, 0x300...0x36F, 0x2000...0x206F, 0x2190...0x22FF,
                                                0x4E00...0x4FFF, 0xAC00...0xAC80, 0x1F300...0x1F5FF]

    mutating func pick(_ list: [String]) -> String { list[Int(rng.next() % UInt64(list.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }

    mutating func sentence() -> String {
        var s = ""
        for i in 0..<(3 + Int(rng.next() % 12)) {
            var w = pick(Self.words)
            if i == 0 { w = w.prefix(1).uppercased() + w.dropFirst() }
            if chance(8) { w += pick(Self.contractions) }
            if chance(8) { w = w.uppercased() }
            s += (i == 0 ? "" : " ") + w
            if chance(8) { s += pick([",", ";", ":", " -", "!", "?", "...", ")"]) }
            if chance(6) { s += " " + pick(Self.numbers) }
        }
        return s + pick([".", "!", "?", ".\n", "\n"])
    }

    mutating func randomScalars() -> String {
        var s = ""
        for _ in 0..<(1 + Int(rng.next() % 10)) {
            let block = Self.blocks[Int(rng.next() % UInt64(Self.blocks.count))]
            let v = block.lowerBound + UInt32(rng.next() % UInt64(block.count))
            if let u = Unicode.Scalar(v) { s.unicodeScalars.append(u) }
            if chance(30) { s += pick(Self.spaces) }
        }
        return s
    }

    /// One string of a random kind.
    mutating func next() -> String {
        switch rng.next() % 8 {
        case 0, 1: return sentence()
        case 2: return (0..<(1 + Int(rng.next() % 4))).map { _ in pick(Self.code) }.joined(separator: pick(["\n", "\n    ", " ", "\n\t"]))
        case 3: return (0..<(1 + Int(rng.next() % 8))).map { _ in pick(Self.chinese) }.joined(separator: chance(30) ? " " : "")
        case 4: return (0..<(1 + Int(rng.next() % 5))).map { _ in pick(Self.emoji) + (chance(50) ? pick(Self.words) : "") }.joined(separator: pick(["", " "]))
        case 5: return (0..<(1 + Int(rng.next() % 6))).map { _ in pick(Self.spaces) + (chance(60) ? pick(Self.words) : "") }.joined()
        case 6: return (0..<(1 + Int(rng.next() % 6))).map { _ in pick(Self.numbers) }.joined(separator: pick(["", " ", "-", "."]))
        default: return randomScalars()
        }
    }
}
