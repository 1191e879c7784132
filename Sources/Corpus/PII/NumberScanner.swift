/// Phone and payment-card numbers: reads each `DigitChain` once and tries windows of whole
/// groups at each allowed start, longest first: a card (Luhn + issuer) before a phone shape.
/// A chain glued to a letter or digit token at either end is skipped whole.
enum NumberScanner {
    static func scan(_ t: PIIText, phones: Bool, cards: Bool, into out: inout [RawPIIMatch]) {
        var chain = DigitChain()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(32)
        var i = 0
        while true {
            let d = t.nextDigit(from: i)
            guard d < t.count else { return }
            // A chain may open with `+` or `(` just before its first digit.
            let opener = d > i && (t[d - 1] == UInt8(ascii: "+") || t[d - 1] == UInt8(ascii: "("))
            guard (opener && chain.read(at: d - 1, in: t)) || chain.read(at: d, in: t) else { i = d + 1; continue }
            windows(of: chain, in: t, phones: phones, cards: cards, buffer: &buffer, into: &out)
            i = chain.groups[chain.groups.count - 1].end
        }
    }

    static func windows(of chain: DigitChain, in t: PIIText, phones: Bool, cards: Bool,
                        buffer: inout [UInt8], into out: inout [RawPIIMatch]) {
        let n = chain.groups.count
        // A chain touching a letter or digit token at either end belongs to that token
        // (`HU47 8292 0938 8571 …` is one IBAN-like string, not a phone inside it).
        guard !t.gluedBefore(chain.groups[0].start), !t.gluedAfter(chain.groups[n - 1].end) else { return }
        // A whole chain shaped like a card is a card or nothing: a mistyped card number does not
        // hold a phone number in its last groups.
        if PaymentCard.shaped(0..<n, of: chain) {
            if cards && PaymentCard.matches(0..<n, of: chain, in: t, buffer: &buffer) {
                out.append(RawPIIMatch(kind: .creditCard, start: chain.groups[0].start, end: chain.groups[n - 1].end))
            }
            return
        }
        var i = 0
        while i < n {
            var taken = false
            if chain.canStart(i) {
                var j = n
                while j > i && !taken {
                    if chain.canEnd(j) {
                        let r = i..<j
                        let kind: PIIKind? = cards && PaymentCard.matches(r, of: chain, in: t, buffer: &buffer) ? .creditCard
                            : phones && PhonePatterns.matches(r, of: chain, in: t) ? .phone : nil
                        if let kind {
                            out.append(RawPIIMatch(kind: kind, start: chain.groups[i].start, end: chain.groups[j - 1].end))
                            taken = true
                            i = j
                        }
                    }
                    j -= 1
                }
            }
            if !taken { i += 1 }
        }
    }
}
