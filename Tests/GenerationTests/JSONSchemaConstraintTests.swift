import Testing
@testable import Generation
import TestSupport
import Tokenization

/// The token-level constraint over a synthetic vocabulary: the trie mask against two slow
/// references, and random walks whose every finished output must be valid.
@Suite struct JSONSchemaConstraintTests {
    static let schemas: [String] = [
        "{}",
        #"{"type":"object"}"#,
        #"{"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":8},"age":{"type":"integer"},"score":{"type":"number"},"tags":{"type":"array","items":{"type":"string"},"maxItems":3},"ok":{"type":"boolean"}},"required":["name","ok"]}"#,
        #"{"type":"array","items":{"enum":["red","green",1,12,null,{"a":[1,2]}]},"minItems":1,"maxItems":4}"#,
        #"{"anyOf":[{"type":"object","properties":{"kind":{"const":"circle"},"r":{"type":"number"}},"required":["kind","r"]},{"type":"object","properties":{"kind":{"const":"square"},"side":{"type":"integer"}},"required":["kind","side"]},{"type":"null"}]}"#,
        ##"{"$defs":{"Node":{"type":"object","properties":{"value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/$defs/Node"},"maxItems":2}},"required":["value"]}},"$ref":"#/$defs/Node"}"##,
        #"{"type":"array","prefixItems":[{"type":"string","maxLength":3},{"type":["integer","null"]}],"items":{"type":"boolean"},"minItems":1}"#,
        #"{"type":"object","additionalProperties":{"type":"array","items":{"type":"number"}}}"#,
        #"{"type":"string","minLength":2,"maxLength":5}"#,
        #"{"oneOf":[{"type":"string"},{"type":"array","items":{"type":"string"}}]}"#,
        // Two readings inside one string, then a string read beside a literal.
        #"{"type":"array","items":{"anyOf":[{"type":"string","maxLength":3},{"type":"string","minLength":5}]}}"#,
        #"{"anyOf":[{"type":"string","maxLength":2},{"enum":["abcdef","ab\"]"]}]}"#,
    ]

    /// The mask, `allows` asked token by token, and a fresh copy of the matcher fed each token's
    /// bytes one at a time: three computations of the same set.
    static func checkMask(_ c: JSONSchemaConstraint, _ mask: [Bool]) {
        var mismatches = 0
        for id in 0..<c.tokens.vocabularySize {
            let bytes = c.tokens.bytes(of: id)
            var fresh = c.matcher
            var byteByByte = !bytes.isEmpty
            for b in bytes where byteByByte {
                byteByByte = fresh.accepts(CollectionOfOne(b))
                fresh.advance(CollectionOfOne(b))
            }
            if mask[id] != c.allows(id) || mask[id] != byteByByte { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test(arguments: schemas) func maskEqualsBruteForceAlongWalks(_ text: String) throws {
        let schema = try JSONSchema(json: text)
        for seed in 0..<6 as Range<UInt64> {
            _ = SyntheticVocabulary.walk.run(JSONSchemaConstraint(tokens: SyntheticVocabulary.trie, schema: schema),
                                             seed: seed, maxTokens: 40, check: Self.checkMask)
        }
    }

    @Test(arguments: schemas) func randomWalksFinishValid(_ text: String) throws {
        let schema = try JSONSchema(json: text)
        let validator = JSONSchemaValidator(try TemplateValue(json: text))
        var finished = 0
        for seed in 0..<60 as Range<UInt64> {
            let r = SyntheticVocabulary.walk.run(JSONSchemaConstraint(tokens: SyntheticVocabulary.trie, schema: schema),
                                                 seed: 1000 + seed, maxTokens: 200)
            #expect(!r.deadEnd, "no token allowed after \(String(decoding: r.bytes, as: UTF8.self))")
            guard r.complete else { continue }
            finished += 1
            #expect(validator.isValid(r.bytes), "invalid output: \(String(decoding: r.bytes, as: UTF8.self))")
        }
        #expect(finished >= 30)
    }

    @Test func toolCallWalksKeepPrefixAndSuffix() throws {
        let text = #"{"type":"object","properties":{"name":{"enum":["get_weather","get_time"]},"arguments":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},"required":["name","arguments"]}"#
        let schema = try JSONSchema(json: text)
        let validator = JSONSchemaValidator(try TemplateValue(json: text))
        let prefix = "<tool_call>\n", suffix = "\n</tool_call>"
        var finished = 0
        for seed in 0..<40 as Range<UInt64> {
            let c = JSONSchemaConstraint(tokens: SyntheticVocabulary.trie, prefix: prefix, schema: schema, suffix: suffix)
            let r = SyntheticVocabulary.walk.run(c, seed: seed, maxTokens: 200, check: seed < 4 ? Self.checkMask : { _, _ in })
            guard r.complete else { continue }
            finished += 1
            let out = String(decoding: r.bytes, as: UTF8.self)
            #expect(out.hasPrefix(prefix) && out.hasSuffix(suffix), "\(out)")
            #expect(validator.isValid(Array(r.bytes.dropFirst(prefix.utf8.count).dropLast(suffix.utf8.count))), "\(out)")
        }
        #expect(finished >= 20)
    }

    @Test func specialTokensAreNeverAllowed() throws {
        let trie = SyntheticVocabulary.trie
        let specials = (0..<trie.vocabularySize).filter { trie.bytes(of: $0).isEmpty }
        #expect(specials.count == 3)
        var c = JSONSchemaConstraint(tokens: trie)
        var mask = [Bool](repeating: true, count: trie.vocabularySize)
        c.allowedTokens(into: &mask)
        for id in specials { #expect(!mask[id] && !c.allows(id)) }
        c.accept(specials[0])  // an end-of-generation token the engine let through changes nothing
        #expect(c.allows(Int(UInt8(ascii: "{"))))
        #expect(!c.allows(-1) && !c.allows(trie.vocabularySize))
    }

    @Test func trieListsEveryTokenOnceInPreorder() {
        let trie = SyntheticVocabulary.trie
        let listed = trie.all.tokenIDs.map(Int.init).sorted()
        #expect(listed == (0..<trie.vocabularySize).filter { !trie.bytes(of: $0).isEmpty })
        // Each node's token ids spell exactly the path of bytes down to it.
        var path = [UInt8]()
        let nodes = trie.all.nodes
        for i in 0..<(nodes.count - 1) {
            let node = nodes[i]
            path = Array(path.prefix(Int(node.depth) - 1)) + [node.byte]
            for t in Int(node.tokenStart)..<Int(nodes[i + 1].tokenStart) {
                #expect(Array(trie.bytes(of: Int(trie.all.tokenIDs[t]))) == path)
            }
            #expect(Int(node.subtreeEnd) > i && Int(node.subtreeEnd) <= nodes.count - 1)
        }
    }
}
