import Foundation
import Testing
import TestSupport
@testable import Corpus

/// The acceptance test: planted PII and look-alikes labelled by independent Python validators
/// (python-stdnum, phonenumbers, ipaddress, datatrove's e-mail regex), made by
/// scripts/fixtures/pii_fixture.py; and datatrove `PIIFormatter` parity.
@Suite struct PIIFixtureTests {
    struct Item: Decodable {
        let kind: String
        let text: String
        let pii: Bool
        let utf8_start: Int
        let utf8_end: Int
    }
    struct Doc: Decodable {
        let text: String
        let items: [Item]
    }
    struct Fixture: Decodable { let documents: [Doc] }
    struct ParityCase: Decodable {
        let text: String
        let fresh: String
        let stream: String
    }
    struct Parity: Decodable { let cases: [ParityCase] }

    static func load<T: Decodable>(_ name: String, as: T.Type) throws -> T {
        let path = TestEnvironment.fixturePath("corpus/pii/" + name)
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func recallAndFalsePositivesOnLabelledFixture() throws {
        let fixture = try Self.load("pii_fixture.json", as: Fixture.self)
        let redactor = try PIIRedactor()
        var planted: [String: (found: Int, total: Int)] = [:]
        var lookalikes: [String: (hit: Int, total: Int)] = [:]
        var misses: [String] = []
        var falsePositives: [String] = []
        for doc in fixture.documents {
            let matches = redactor.findAll(in: doc.text)
            for item in doc.items {
                let span = item.utf8_start..<item.utf8_end
                if item.pii {
                    let found = matches.contains {
                        $0.kind.rawValue == item.kind && $0.utf8Range.lowerBound <= span.lowerBound
                            && $0.utf8Range.upperBound >= span.upperBound
                    }
                    planted[item.kind, default: (0, 0)].total += 1
                    if found { planted[item.kind, default: (0, 0)].found += 1 } else { misses.append("\(item.kind): \(item.text)") }
                } else {
                    let hit = matches.first { $0.utf8Range.overlaps(span) }
                    lookalikes[item.kind, default: (0, 0)].total += 1
                    if let hit {
                        lookalikes[item.kind, default: (0, 0)].hit += 1
                        falsePositives.append("\(item.kind): \(item.text) ← \(hit)")
                    }
                }
            }
        }
        let found = planted.values.reduce(0) { $0 + $1.found }
        let total = planted.values.reduce(0) { $0 + $1.total }
        let hits = lookalikes.values.reduce(0) { $0 + $1.hit }
        let totalLookalikes = lookalikes.values.reduce(0) { $0 + $1.total }
        for (kind, v) in planted.sorted(by: { $0.key < $1.key }) { print("PII recall \(kind): \(v.found)/\(v.total)") }
        for (kind, v) in lookalikes.sorted(by: { $0.key < $1.key }) { print("PII look-alike \(kind): \(v.hit) false positives of \(v.total)") }
        for m in misses { print("PII missed: \(m)") }
        for f in falsePositives { print("PII false positive: \(f)") }
        print("PII recall \(found)/\(total), false positives \(hits)/\(totalLookalikes)")
        #expect(total >= 200 && totalLookalikes >= 200)
        #expect(Double(found) >= 0.98 * Double(total))
        #expect(Double(hits) <= 0.02 * Double(totalLookalikes))
    }

    @Test func datatroveModeEqualsPIIFormatterOutput() throws {
        let parity = try Self.load("datatrove_parity.json", as: Parity.self)
        let redactor = try PIIRedactor(configuration: .datatrove)
        var freshMismatches = 0
        var streamMismatches = 0
        var cycle = PIIReplacementCycle()
        for c in parity.cases {
            let fresh = redactor.redact(c.text).text
            if fresh != c.fresh {
                freshMismatches += 1
                print("datatrove parity (fresh) differs:\n  in:   \(c.text.prefix(300))\n  want: \(c.fresh.prefix(300))\n  got:  \(fresh.prefix(300))")
            }
            if redactor.redact(c.text, cycle: &cycle).text != c.stream { streamMismatches += 1 }
        }
        #expect(parity.cases.count > 50)
        #expect(freshMismatches == 0)
        #expect(streamMismatches == 0)
    }
}
