/// Repairs mojibake: UTF-8 text that was decoded as Windows-1252 or Latin-1, once or several
/// times ("Ã©" → "é", "â€™" → "’", "ÃƒÂ©" → "é"), in the whole text or in fragments of it.
///
/// Conservative by construction, in the manner of ftfy's `fix_encoding`: text is only touched
/// when it shows mojibake evidence (`MojibakeEvidence`), and a reading is only accepted when
/// the recovered bytes are valid UTF-8 — correct text in any language virtually never is once
/// re-encoded this way. Each step re-decodes once; steps repeat until nothing changes.
public enum MojibakeRepair {
    /// Most re-decoding rounds tried (text mangled more than this many times keeps the rest).
    public static let maxRounds = 8

    /// `text` with its mojibake repaired (the text itself when it shows none).
    public static func repair(_ text: String) -> String {
        var current = text
        for _ in 0..<maxRounds {
            let next = repairOnce(current)
            if next == current { break }
            current = next
        }
        return current
    }

    /// One round: the whole text re-decoded if it can be, else each mojibake fragment alone.
    static func repairOnce(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        let scalars = Array(text.unicodeScalars)
        guard MojibakeEvidence.isBad(scalars[...]) else { return text }
        if let bytes = Windows1252.encode(scalars) {
            if let fixed = String(validating: bytes, as: UTF8.self) { return fixed }
            let restored = restoreNoBreakSpaces(bytes)
            if restored != bytes, let fixed = String(validating: restored, as: UTF8.self) { return fixed }
        }
        return repairFragments(scalars)
    }

    /// Mojibake often went through a second mistake: its U+00A0 (byte A0, a continuation byte
    /// of `à`, `Š`, `Р`, `Π`, `٠`, `ठ` …) was flattened to a plain space. Where a space stands
    /// in a continuation position after one of the lead bytes that produce those characters,
    /// and byte A0 there completes a valid UTF-8 sequence, A0 is put back.
    static func restoreNoBreakSpaces(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes, i = 0
        while i < out.count {
            let lead = out[i]
            let n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            let eligible = [0xC2, 0xC3, 0xC5, 0xCE, 0xD0, 0xD9].contains(lead) || (lead >= 0xE0 && lead <= 0xE3) || lead == 0xF0
            if eligible && i + n <= out.count {
                let tail = out[(i + 1)..<(i + n)]
                if tail.contains(0x20) && tail.allSatisfy({ $0 == 0x20 || ($0 >= 0x80 && $0 <= 0xBF) }) {
                    let candidate = [lead] + tail.map { $0 == 0x20 ? 0xA0 : $0 }
                    if String(validating: candidate, as: UTF8.self) != nil {
                        out.replaceSubrange(i..<(i + n), with: candidate)
                        i += n
                        continue
                    }
                }
            }
            i += 1
        }
        return out
    }

    /// Text where correct characters and mojibake are mixed (so the whole cannot be re-read):
    /// each run of complete misread UTF-8 sequences (lead + continuations, a space allowed for a
    /// flattened A0) that does not start right after a continuation character is repaired on
    /// its own when, seen alone, it still shows evidence.
    static func repairFragments(_ s: [Unicode.Scalar]) -> String {
        var out = String.UnicodeScalarView(), i = 0
        while i < s.count {
            if i == 0 || !MojibakeEvidence.isContinuation(s[i - 1]) {
                let end = runEnd(s, from: i)
                if end > i && end - i < s.count && MojibakeEvidence.isBad(s[i..<end], isolated: true) {
                    out.append(contentsOf: repair(String(String.UnicodeScalarView(s[i..<end]))).unicodeScalars)
                    i = end
                    continue
                }
            }
            out.append(s[i])
            i += 1
        }
        return String(out)
    }

    /// End of the run of whole misread sequences starting at `start` (`start` when none).
    private static func runEnd(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var j = start
        while j < s.count {
            let n = MojibakeEvidence.sequenceLength(s[j])
            guard n > 0, j + n <= s.count,
                  s[(j + 1)..<(j + n)].allSatisfy({ $0 == " " || MojibakeEvidence.isContinuation($0) }) else { break }
            j += n
        }
        return j
    }
}
