import Testing
import ModelFiles
@testable import Corpus

@Suite struct DocumentTests {
    @Test func metadataSubscriptReplacesAndRemoves() {
        var d = Document(id: "a", text: "t", metadata: [("lang", .string("en")), ("n", .number(1, integer: 1))])
        d[metadata: "lang"] = .string("fr")
        #expect(d[metadata: "lang"]?.string == "fr")
        #expect(d.metadata.map(\.key) == ["n", "lang"])
        d[metadata: "n"] = nil
        #expect(d.metadata.map(\.key) == ["lang"])
    }

    @Test func jsonRoundTripsThroughTheOneReader() throws {
        let line = #"{"id":"x/1","text":"caf\u00e9 \"q\"\n\t\u0001 漢字 😀","metadata":{"url":"http://e.com/","score":0.5,"n":3,"ok":true,"tags":["a",null]}}"#
        let value = try JSONValue.parse(Array(line.utf8))
        #expect(value["text"]?.string == "café \"q\"\n\t\u{1} 漢字 😀")
        let again = try JSONValue.parse(value.serialized())
        #expect(again.serialized() == value.serialized())
        #expect(String(decoding: value.serialized(), as: UTF8.self)
            == #"{"id":"x/1","text":"café \"q\"\n\t\u0001 漢字 😀","metadata":{"url":"http://e.com/","score":0.5,"n":3,"ok":true,"tags":["a",null]}}"#)
    }
}
