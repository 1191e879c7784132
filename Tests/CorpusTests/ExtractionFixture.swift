import CZstd
import Foundation
import ModelFiles
import TestSupport

/// One page of Tests/Fixtures/corpus/extraction/pages.jsonl.zst
/// (scripts/fixtures/trafilatura_extract.py): the page, trafilatura's text, and its chrome wrapping.
struct ExtractionFixturePage {
    var source: String
    var html: [UInt8]
    var trafilaturaText: String
    var wrappedTrafilaturaText: String
    var chromeBefore: [UInt8]
    var chromeAfter: [UInt8]
    var insertAt: Int
    var insertEnd: Int
    var chromeStrings: [String]

    /// The page with the synthetic chrome inserted after `<body …>` and before `</body>`.
    var wrappedHTML: [UInt8] {
        Array(html[..<insertAt]) + chromeBefore + Array(html[insertAt..<insertEnd]) + chromeAfter + Array(html[insertEnd...])
    }

    enum LoadError: Error { case zstd(String), field(String, line: Int) }

    static func load() throws -> [ExtractionFixturePage] {
        let path = TestEnvironment.fixturePath("corpus/extraction/pages.jsonl.zst")
        let compressed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let size = compressed.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        guard size != ZSTD_CONTENTSIZE_ERROR, size != ZSTD_CONTENTSIZE_UNKNOWN, size < 1 << 32 else {
            throw LoadError.zstd("\(path): no frame content size")
        }
        var raw = [UInt8](repeating: 0, count: Int(size))
        let written = raw.withUnsafeMutableBytes { out in
            compressed.withUnsafeBytes { ZSTD_decompress(out.baseAddress, out.count, $0.baseAddress, $0.count) }
        }
        guard ZSTD_isError(written) == 0, written == Int(size) else { throw LoadError.zstd("\(path): decompression failed") }
        var pages: [ExtractionFixturePage] = []
        for (number, line) in raw.split(separator: 0x0A).enumerated() {
            let v = try JSONValue.parse(Array(line))
            func string(_ k: String) throws -> String {
                guard let s = v[k]?.string else { throw LoadError.field(k, line: number + 1) }
                return s
            }
            func int(_ k: String) throws -> Int {
                guard let i = v[k]?.int else { throw LoadError.field(k, line: number + 1) }
                return i
            }
            pages.append(ExtractionFixturePage(
                source: try string("source"), html: Array(try string("html").utf8), trafilaturaText: try string("text"),
                wrappedTrafilaturaText: try string("wrapped_text"), chromeBefore: Array(try string("chrome_before").utf8),
                chromeAfter: Array(try string("chrome_after").utf8), insertAt: try int("insert_at"),
                insertEnd: try int("insert_end"), chromeStrings: (v["chrome_strings"]?.array ?? []).compactMap(\.string)))
        }
        return pages
    }
}

/// Word-multiset agreement between two texts: words are maximal runs of letters and digits
/// (so layout, '|' cell bars and '¶' marks do not count), compared case-sensitively.
enum WordAgreement {
    static func words(_ text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        var word = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                word.append(scalar)
            } else if !word.isEmpty {
                counts[String(word), default: 0] += 1
                word = String.UnicodeScalarView()
            }
        }
        if !word.isEmpty { counts[String(word), default: 0] += 1 }
        return counts
    }

    /// F1 of the word multisets (1 when both are empty).
    static func f1(_ ours: String, _ reference: String) -> Double {
        let a = words(ours), b = words(reference)
        let na = a.values.reduce(0, +), nb = b.values.reduce(0, +)
        if na == 0 && nb == 0 { return 1 }
        var common = 0
        for (w, c) in a { common += min(c, b[w] ?? 0) }
        guard common > 0 else { return 0 }
        let precision = Double(common) / Double(na), recall = Double(common) / Double(nb)
        return 2 * precision * recall / (precision + recall)
    }
}
