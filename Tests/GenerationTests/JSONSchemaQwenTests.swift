import Foundation
import Testing
import Generation
import ModelFiles
import TestSupport
import Tokenization

/// The constraint over Qwen2.5's real vocabulary (151,936 tokens): special tokens excluded, the
/// model's own tokenization of valid JSON accepted, random walks valid; mask times printed.
@Suite(.serialized, .enabled(if: TestEnvironment.hasModel("qwen2.5-0.5b")))
struct JSONSchemaQwenTests {
    static let tokenizer: Tokenizer? = ModelCatalog.installedPath("qwen2.5-0.5b").flatMap { try? Tokenizer(path: $0) }
    static let trie: TokenTrie? = tokenizer.map { TokenTrie(tokenizer: $0) }
    static let walk: JSONConstraintWalk? = trie.map { JSONConstraintWalk(trie: $0) }

    static let person = #"{"type":"object","properties":{"name":{"type":"string","maxLength":20},"age":{"type":"integer"},"languages":{"type":"array","items":{"enum":["Swift","Python","C++"]}},"address":{"anyOf":[{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":"string"}},"required":["city"]},{"type":"null"}]}},"required":["name","age"]}"#
    static let tool = #"{"anyOf":[{"type":"object","properties":{"name":{"const":"get_weather"},"arguments":{"type":"object","properties":{"city":{"type":"string"},"unit":{"enum":["celsius","fahrenheit"]}},"required":["city"]}},"required":["name","arguments"]},{"type":"object","properties":{"name":{"const":"get_time"},"arguments":{"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"]}},"required":["name","arguments"]}]}"#

    @Test func specialTokensHaveNoBytesAndToolCallTagsDo() throws {
        let tokenizer = try #require(Self.tokenizer), trie = try #require(Self.trie)
        #expect(trie.vocabularySize == 151_936)
        for id in tokenizer.endOfGenerationTokens { #expect(trie.bytes(of: id).isEmpty) }
        let imStart = try #require(tokenizer.tokenID(of: "<|im_start|>"))
        #expect(trie.bytes(of: imStart).isEmpty)
        let toolCall = try #require(tokenizer.tokenID(of: "<tool_call>"))
        #expect(Array(trie.bytes(of: toolCall)) == Array("<tool_call>".utf8))
    }

    /// What the model would write for a valid document is allowed token by token.
    @Test func naturalTokenizationOfValidDocumentsIsAccepted() throws {
        let tokenizer = try #require(Self.tokenizer), trie = try #require(Self.trie)
        let documents: [(String, String, String, String)] = [
            (Self.person, "", #"{"name": "Ada Lovelace", "age": 36, "languages": ["Swift", "C++"], "address": {"city": "London"}}"#, ""),
            (Self.person, "", "{\n  \"name\": \"Grace\",\n  \"age\": 85,\n  \"address\": null\n}", ""),
            (Self.tool, "<tool_call>\n", #"{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}"#, "\n</tool_call>"),
            ("{}", "", #"{"emoji": "😀 日本語 \u00e9\n", "n": [1.5e-3, -0, true, null]}"#, ""),
        ]
        for (schema, prefix, body, suffix) in documents {
            var c = JSONSchemaConstraint(tokens: trie, prefix: prefix, schema: try JSONSchema(json: schema), suffix: suffix)
            var mask = [Bool](repeating: false, count: trie.vocabularySize)
            for id in tokenizer.encode(prefix + body + suffix, addSpecial: false) {
                #expect(c.allows(id), "token \(id) '\(tokenizer.decode([id]))' in \(body)")
                c.allowedTokens(into: &mask)
                #expect(mask[id])
                c.accept(id)
            }
            #expect(c.isComplete && c.mustEnd)
        }
    }

    /// The mask against `allows` for every token, in string states (bounded and unbounded, where
    /// plain-text tokens are decided by length), inside keys and between tokens.
    @Test func maskEqualsAllowsOnTheFullVocabulary() throws {
        let tokenizer = try #require(Self.tokenizer), trie = try #require(Self.trie)
        let states: [(String, String)] = [
            (Self.person, #"{"name": "Ad"#), (Self.person, #"{"name": ""#), (Self.person, #"{"name": "Ada", "age": 3"#),
            (Self.person, #"{"name": "Ada", "age": 36, "languages": ["Sw"#), (Self.person, #"{"name": "Ada", "a"#),
            (Self.person, #"{"name": "Ada", "age": 36, "address": {"city": "Lon"#), ("{}", #"{"x": ["a\u00"#),
            ("{}", #"{"x": "\u00e9 ok"#), ("{}", ""),
        ]
        var mask = [Bool](repeating: false, count: trie.vocabularySize)
        for (schema, text) in states {
            var c = JSONSchemaConstraint(tokens: trie, schema: try JSONSchema(json: schema))
            for id in tokenizer.encode(text, addSpecial: false) { #expect(c.allows(id)); c.accept(id) }
            c.allowedTokens(into: &mask)
            let differing = (0..<trie.vocabularySize).filter { mask[$0] != c.allows($0) }
            #expect(differing.isEmpty, "after \(text): \(differing.prefix(5).map { tokenizer.decode([$0]) })")
        }
    }

    @Test(arguments: [person, tool, #"{"type":"object"}"#])
    func randomWalksFinishValid(_ text: String) throws {
        let walk = try #require(Self.walk)
        let schema = try JSONSchema(json: text)
        let validator = JSONSchemaValidator(try TemplateValue(json: text))
        let wrapped = text == Self.tool
        let prefix = wrapped ? "<tool_call>\n" : "", suffix = wrapped ? "\n</tool_call>" : ""
        var finished = 0
        for seed in 0..<4 as Range<UInt64> {
            let start = JSONSchemaConstraint(tokens: walk.trie, prefix: prefix, schema: schema, suffix: suffix)
            let r = walk.run(start, seed: seed, maxTokens: 80)
            #expect(!r.deadEnd)
            guard r.complete else { continue }
            finished += 1
            let body = Array(r.bytes.dropFirst(prefix.utf8.count).dropLast(suffix.utf8.count))
            #expect(validator.isValid(body), "invalid: \(String(decoding: r.bytes, as: UTF8.self))")
        }
        #expect(finished >= 2)
    }

    /// One full mask in a string (nearly every token allowed) and between tokens (few allowed).
    /// Printed, not asserted: timings depend on the machine and its load.
    @Test func maskTimes() throws {
        let tokenizer = try #require(Self.tokenizer)
        let clock = ContinuousClock()
        var trie: TokenTrie?
        let build = clock.measure { trie = TokenTrie(tokenizer: tokenizer) }
        let schema = try JSONSchema(json: Self.person)
        var mask = [Bool](repeating: false, count: tokenizer.vocabularySize)
        for (state, text) in [("string", #"{"name": "Ad"#), ("structural", #"{"name": "Ada", "age": 36"#), ("start", "")] {
            var c = JSONSchemaConstraint(tokens: trie!, schema: schema)
            for id in tokenizer.encode(text, addSpecial: false) { c.accept(id) }
            var times = [Duration]()
            for _ in 0..<7 { times.append(clock.measure { c.allowedTokens(into: &mask) }) }
            let allowed = mask.filter { $0 }.count
            let id = try #require(mask.indices.first { mask[$0] })
            let check = clock.measure { for _ in 0..<1000 { _ = c.allows(id) } }
            print("JSON mask over \(mask.count) tokens, \(state) state: \(allowed) allowed, median \(times.sorted()[3]); "
                  + "allows(one token) \(check / 1000)")
        }
        print("TokenTrie build: \(build)")
    }
}
