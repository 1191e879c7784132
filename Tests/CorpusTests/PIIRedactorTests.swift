import Foundation
import Testing
@testable import Corpus

/// Hand-made edge cases per kind: shapes found, look-alikes left, boundaries, Unicode around.
@Suite struct PIIRedactorTests {
    static let all = try! PIIRedactor()
    static let allIPs = try! PIIRedactor(configuration: .init(onlyGlobalIPAddresses: false))

    /// The matched texts of `kind` in `text`.
    func found(_ text: String, _ kind: PIIKind, _ redactor: PIIRedactor = all) -> [String] {
        redactor.findAll(in: text).filter { $0.kind == kind }.map(\.text)
    }

    @Test func emptyAndPlainTextFindNothing() {
        #expect(Self.all.findAll(in: "").isEmpty)
        #expect(Self.all.redact("").text == "")
        #expect(Self.all.findAll(in: "In the beginning God created the heaven and the earth.").isEmpty)
        #expect(Self.all.findAll(in: "@ : :: . - + ( ) 0 00 000").isEmpty)
    }

    @Test func emails() {
        #expect(found("Write to alice.smith+tag@mail.example.org.", .email) == ["alice.smith+tag@mail.example.org"])
        #expect(found("<o'brien@uni-heidelberg.de>", .email) == ["o'brien@uni-heidelberg.de"])
        #expect(found("punycode x@xn--bcher-kva.example", .email) == ["x@xn--bcher-kva.example"])
        for bad in ["user@localhost", "a@b.c", "foo@bar.123", "first@-bad.com", "me@.com", "@handle", "john@", "a@b-.com"] {
            #expect(found("mail \(bad) now", .email).isEmpty, "\(bad)")
        }
        #expect(found("a..b@x.com", .email) == ["b@x.com"])
        #expect(found("联系wang@163.com。", .email) == ["wang@163.com"])
        #expect(found("josé@example.com", .email).isEmpty)
        #expect(found("x@example.comé", .email).isEmpty)
    }

    @Test func phones() {
        for p in ["+1 415-555-2671", "(415) 555-2671", "415.555.2671", "415-555-2671", "415 555 2671", "1-415-555-2671",
                  "+44 20 7946 0958", "+44 (0)20 7946 0958", "020 7946 0958", "+33 1 23 45 67 89", "01 23 45 67 89",
                  "030/1234567", "+86 138 1234 5678", "+8613812345678", "13812345678", "138-1234-5678", "+7 (495) 123-45-67"] {
            #expect(found("Call \(p) today.", .phone) == [p], "\(p)")
        }
        #expect(found("电话13812345678。", .phone) == ["13812345678"])
        #expect(found("Room 12 415-555-2671", .phone) == ["415-555-2671"])
        #expect(found("Wien 01 234564760.", .phone) == ["01 234564760"])
        // Regressions from the fixture: no phone inside a mistyped card or an IBAN-like string.
        #expect(Self.all.findAll(in: "card 6011 0442 6262 2518 exp").isEmpty)
        #expect(Self.all.findAll(in: "HU47 8292 0938 8571 5089 7097 7169").isEmpty)
        for bad in ["555-1234", "123-456-7890", "2023-01-15", "12345678901", "ORD-13812345678", "+1 555 12", "+999 1234 5678",
                    "12:30:45", "0-306-40615-2", "13812345678901", "x13812345678"] {
            #expect(found("ref \(bad) ok", .phone).isEmpty, "\(bad)")
        }
    }

    @Test func ipv4() {
        #expect(found("dns 8.8.8.8.", .ipv4) == ["8.8.8.8"])
        #expect(found("8.8.8.8:53 and 1.1.1.0/24", .ipv4) == ["8.8.8.8", "1.1.1.0"])
        #expect(found("(😀8.8.8.8😀)", .ipv4) == ["8.8.8.8"])
        #expect(found("192.168.1.1 10.0.0.1 127.0.0.1 100.64.0.1 203.0.113.5", .ipv4).isEmpty)
        #expect(found("192.168.1.1", .ipv4, Self.allIPs) == ["192.168.1.1"])
        for bad in ["v1.2.3.4", "1.2.3.4.5", "11.2.3.4.5", "08.8.8.8", "256.1.1.1", "1.2.3.256", "10.0.19041.1288", "é8.8.8.8", "8.8.8.8a"] {
            #expect(found("see \(bad) here", .ipv4).isEmpty, "\(bad)")
        }
    }

    @Test func ipv6() {
        for a in ["2001:4860:4860::8888", "2606:4700:4700:0000:0000:0000:0000:1111", "2A00:1450:4001:82B::200E", "::ffff:8.8.4.4",
                  "2404:6800::11e"] {
            #expect(found("host \(a) up", .ipv6) == [a], "\(a)")
        }
        #expect(found("[2606:4700::1111]:443", .ipv6) == ["2606:4700::1111"])
        #expect(found("addr 2001:4860::1: ok", .ipv6) == ["2001:4860::1"])
        #expect(found("2001:db8::1 fe80::1 ::1 ::ffff:10.0.0.1", .ipv6).isEmpty)
        #expect(found("2001:db8::1", .ipv6, Self.allIPs) == ["2001:db8::1"])
        for bad in ["12:30:45", "00:1A:2B:3C:4D:5E", "std::vector", "dead::beef", "1:2:3:4:5:6:7:8:9", "2001:4860::1::2", "2001:48600::1"] {
            #expect(found("x \(bad) y", .ipv6, Self.allIPs).isEmpty, "\(bad)")
        }
    }

    @Test func creditCards() {
        for c in ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "378282246310005", "3782 822463 10005",
                  "5555 5555 5555 4444", "6011000990139424", "4222222222222"] {
            #expect(found("card \(c), exp", .creditCard) == [c], "\(c)")
        }
        for bad in ["4111 1111 1111 1112", "1234 5678 9012 3456", "9111111111111110", "4111 1111-1111 1111", "4111111111111111234567",
                    "ID4111111111111111", "4111.1111.1111.1111"] {
            #expect(found("card \(bad) exp", .creditCard).isEmpty, "\(bad)")
        }
    }

    @Test func ibans() {
        for i in ["DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "NO9386011117947"] {
            #expect(found("pay to \(i).", .iban) == [i], "\(i)")
        }
        for bad in ["DE88 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 0", "DE89370400440532013000X", "XX89370400440532013000",
                    "de89370400440532013000", "DE89 3704 0044 0532 0130 00 12"] {
            #expect(found("pay to \(bad) now", .iban).isEmpty, "\(bad)")
        }
    }

    @Test func chineseIDs() {
        for id in ["11010519491231002X", "360426199101010071", "11010519491231002x"] {
            #expect(found("身份证号码\(id)。", .chineseID) == [id], "\(id)")
        }
        for bad in ["360426199101010072", "360426199102300071", "990426199101010071", "3604261991010100711", "A360426199101010071"] {
            #expect(found("号码 \(bad) 号", .chineseID).isEmpty, "\(bad)")
        }
        let legacy = try! PIIRedactor(configuration: .init(legacyChineseID: true))
        #expect(found("旧号码360426910101007。", .chineseID).isEmpty)
        #expect(found("旧号码360426910101007。", .chineseID, legacy) == ["360426910101007"])
    }

    @Test func redactReplacesWithTokensAndCounts() throws {
        let text = "Mail bob@example.com or call +1 415-555-2671 from 8.8.8.8, card 4111111111111111 — 好"
        let (out, counts) = Self.all.redact(text)
        #expect(out == "Mail <EMAIL> or call <PHONE> from <IP_ADDRESS>, card <CREDIT_CARD> — 好")
        #expect(counts == [.email: 1, .phone: 1, .ipv4: 1, .creditCard: 1])
        let custom = try PIIRedactor(configuration: .init(kinds: [.email], replacements: [.email: "[email]"]))
        #expect(custom.redact(text).text.hasPrefix("Mail [email] or call +1 415-555-2671"))
    }

    @Test func matchRangesPointIntoTheText() {
        let text = "é😀 mail a@b.cd"
        let m = Self.all.findAll(in: text)
        #expect(m.count == 1)
        if let m = m.first { #expect(String(text[m.range(in: text)]) == "a@b.cd") }
    }

    @Test func datatroveCyclesAndCarriesAcrossCalls() throws {
        let r = try PIIRedactor(configuration: .datatrove)
        #expect(r.redact("a@x.com b@y.org c@z.net").text == "email@example.com firstname.lastname@example.org email@example.com")
        var cycle = PIIReplacementCycle()
        _ = r.redact("a@x.com 8.8.8.8", cycle: &cycle)
        #expect(r.redact("b@y.org 9.9.9.9 10.0.0.1", cycle: &cycle).text == "firstname.lastname@example.org 126.96.36.199 10.0.0.1")
    }

    @Test func configurationDecodesDefaultsAndRejectsEmptyCycles() throws {
        let empty = try JSONDecoder().decode(PIIRedactor.Configuration.self, from: Data("{}".utf8))
        #expect(empty == PIIRedactor.Configuration())
        let json = #"{"kinds":["email","cn_id"],"replacements":{"email":"[E]"},"cycledReplacements":{"cn_id":["A","B"]}}"#
        let c = try JSONDecoder().decode(PIIRedactor.Configuration.self, from: Data(json.utf8))
        #expect(c.kinds == [.email, .chineseID] && c.token(for: .email) == "[E]" && c.cycledReplacements[.chineseID] == ["A", "B"])
        let again = try JSONDecoder().decode(PIIRedactor.Configuration.self, from: JSONEncoder().encode(c))
        #expect(again == c)
        #expect(throws: PIIConfigurationError.emptyReplacementCycle(kind: .email)) {
            try JSONDecoder().decode(PIIRedactor.Configuration.self, from: Data(#"{"cycledReplacements":{"email":[]}}"#.utf8))
        }
        #expect(throws: PIIConfigurationError.self) { try PIIRedactor(configuration: .init(cycledReplacements: [.ipv4: []])) }
    }
}

/// Inputs built to make a careless scanner quadratic or crash: each must finish and stay sane.
@Suite struct PIIPathologicalInputTests {
    @Test(arguments: ["a", "@", "a@", ":", "1:", "1.", "1 ", "1-", "+1", "(1)", "DE89", "DE89 ", "ab.", "1", "x@a.", "::ffff:1.", "é"])
    func repeatedPatternsFinishAndFindLittle(_ unit: String) throws {
        let text = String(repeating: unit, count: 40_000)
        for redactor in [try PIIRedactor(), try PIIRedactor(configuration: .datatrove)] {
            let matches = redactor.findAll(in: text)
            #expect(matches.count <= text.utf8.count)
            let out = redactor.redact(text).text
            #expect(!out.isEmpty)
        }
    }

    @Test func documentRedactionRewritesText() throws {
        var doc = Document(id: "d", text: "write to a@b.cd")
        var cycle = PIIReplacementCycle()
        let counts = try PIIRedactor().redact(&doc, cycle: &cycle)
        #expect(doc.text == "write to <EMAIL>" && counts == [.email: 1])
    }
}

/// The eight-bytes-at-a-time digit search against its one-byte reference.
@Suite struct PIITextTests {
    @Test func nextDigitEqualsReference() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var mismatches = 0
        let alphabet: [UInt8] = Array("ab /:9@0.\u{7F}".utf8) + [0x2F, 0x3A, 0xB0, 0xB9, 0xC3, 0xA9, 0xFF, 0x00]
        for length in 0..<70 {
            for _ in 0..<20 {
                let bytes: [UInt8] = (0..<length).map { _ in
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    // Mostly non-digits, so the fast path runs over long stretches.
                    return state >> 60 == 0 ? alphabet[Int(state >> 33) % 2 == 0 ? 4 : 6] : alphabet[Int(state >> 33) % alphabet.count]
                }
                bytes.withUnsafeBufferPointer { buffer in
                    let t = PIIText(bytes: buffer)
                    for from in 0...length where t.nextDigit(from: from) != t.nextDigitReference(from: from) { mismatches += 1 }
                }
            }
        }
        #expect(mismatches == 0)
    }
}
