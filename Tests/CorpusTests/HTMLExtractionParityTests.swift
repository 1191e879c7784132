import Testing
@testable import Corpus

/// The extractor against trafilatura 1.11 (`favor_precision=True`, as datatrove calls it) on real
/// documentation pages, and against exact synthetic chrome (fixture: scripts/fixtures/trafilatura_extract.py).
@Suite struct HTMLExtractionParityTests {
    static let pages: [ExtractionFixturePage] = (try? ExtractionFixturePage.load()) ?? []

    @Test func fixtureLoads() throws {
        let pages = try ExtractionFixturePage.load()
        #expect(pages.count >= 100)
    }

    /// (a) Chrome removal is exact: no chrome string survives, and the wrapped page gives the
    /// same text as the bare page.
    @Test func chromeIsRemovedExactly() throws {
        let extractor = try HTMLExtractor()
        var leaks: [String] = [], differing: [String] = []
        for page in Self.pages {
            let bare = extractor.extract(page.html).text
            let wrapped = extractor.extract(page.wrappedHTML).text
            for s in page.chromeStrings where wrapped.contains(s) && !bare.contains(s) {
                leaks.append("\(page.source): \(s)")
            }
            if bare != wrapped { differing.append(page.source) }
        }
        #expect(!Self.pages.isEmpty)
        #expect(leaks.isEmpty, "chrome leaked: \(leaks.prefix(10))")
        #expect(differing.isEmpty, "wrapped ≠ bare on \(differing.count) pages: \(differing.prefix(10))")
    }

    /// (b) Word-level agreement with trafilatura: mean F1 ≥ 0.8 (distribution printed).
    @Test func agreesWithTrafilatura() throws {
        let extractor = try HTMLExtractor()
        var scores: [(Double, String)] = []
        var wrappedScores: [Double] = []
        for page in Self.pages {
            scores.append((WordAgreement.f1(extractor.extract(page.html).text, page.trafilaturaText), page.source))
            wrappedScores.append(WordAgreement.f1(extractor.extract(page.wrappedHTML).text, page.wrappedTrafilaturaText))
        }
        guard !scores.isEmpty else { Issue.record("no fixture pages"); return }
        let sorted = scores.sorted { $0.0 < $1.0 }
        let mean = scores.map(\.0).reduce(0, +) / Double(scores.count)
        let p10 = sorted[sorted.count / 10].0
        let wrappedMean = wrappedScores.reduce(0, +) / Double(wrappedScores.count)
        print("extraction F1 vs trafilatura: pages \(scores.count) mean \(mean) p10 \(p10) min \(sorted[0].0) "
              + "median \(sorted[sorted.count / 2].0); wrapped mean \(wrappedMean)")
        print("lowest: " + sorted.prefix(8).map { "\($0.1) \(($0.0 * 1000).rounded() / 1000)" }.joined(separator: ", "))
        #expect(mean >= 0.8)
        #expect(p10 >= 0.6)
    }
}
