import Foundation
import Testing
import Tokenization
@testable import Generation

@Suite struct HermesToolCallParserTests {
    let weather = ParsedToolCall(name: "get_weather", arguments: ["city": "Paris", "unit": "celsius"])
    let block = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"celsius\"}}\n</tool_call>"

    /// Feeds `pieces` one by one; returns every event, adjacent content joined.
    func stream(_ pieces: [String]) -> [HermesToolCallParser.Event] {
        var parser = HermesToolCallParser()
        var events: [HermesToolCallParser.Event] = []
        for p in pieces { events += parser.push(p) }
        events += parser.finish()
        var out: [HermesToolCallParser.Event] = []
        for e in events {
            if case .content(let s) = e, case .content(let prev)? = out.last { out[out.count - 1] = .content(prev + s) } else { out.append(e) }
        }
        return out
    }

    /// Every split of `text` into characters, as a token stream would deliver it.
    func characters(_ text: String) -> [String] { text.map { String($0) } }

    @Test func oneCallWholeAndCharacterByCharacter() {
        #expect(HermesToolCallParser.parse(block) == (nil, [weather]))
        #expect(stream(characters(block)) == [.toolCall(weather)])
    }

    @Test func keyOrderOfArgumentsIsKept() {
        let (_, calls) = HermesToolCallParser.parse("<tool_call>{\"name\": \"f\", \"arguments\": {\"z\": 1, \"a\": 2}}</tool_call>")
        #expect(calls.first?.arguments.jsonString() == "{\"z\": 1, \"a\": 2}")
    }

    @Test func textBeforeAndSeveralCalls() {
        let text = "Let me check.\n\n" + block + "\n" + block.replacingOccurrences(of: "Paris", with: "Oslo")
        let oslo = ParsedToolCall(name: "get_weather", arguments: ["city": "Oslo", "unit": "celsius"])
        #expect(HermesToolCallParser.parse(text) == ("Let me check.", [weather, oslo]))
        #expect(stream(characters(text)) == [.content("Let me check."), .toolCall(weather), .toolCall(oslo)])
    }

    @Test func contentIsReleasedBeforeTheEnd() {
        var parser = HermesToolCallParser()
        #expect(parser.push("Hello wor") == [.content("Hello wor")])
        #expect(parser.push("ld! <tool") == [.content("ld!")])
        #expect(parser.push("box>") == [.content(" <toolbox>")])
        #expect(parser.finish() == [])
    }

    @Test func plainTextPassesThrough() {
        #expect(HermesToolCallParser.parse("No tools needed: 2 + 2 = 4.\n") == ("No tools needed: 2 + 2 = 4.\n", []))
        #expect(stream(characters("a <b> c < d")) == [.content("a <b> c < d")])
    }

    @Test func malformedBlockComesBackAsContent() {
        let bad = "<tool_call>\n{\"name\": \"f\", \"arguments\": [1]}\n</tool_call>"
        #expect(HermesToolCallParser.parse(bad) == (bad, []))
        let notJSON = "<tool_call>call f(1)</tool_call>"
        #expect(stream(characters(notJSON)) == [.content(notJSON)])
    }

    @Test func unclosedBlockCountsWhenItsJSONIsComplete() {
        let open = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"celsius\"}}\n"
        #expect(HermesToolCallParser.parse(open) == (nil, [weather]))
        let truncated = "<tool_call>\n{\"name\": \"get_weather\", \"argu"
        #expect(HermesToolCallParser.parse(truncated) == (truncated, []))
    }

    @Test func argumentsAsStringOrParametersAreAccepted() {
        let asString = "<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"x\\\": 1}\"}</tool_call>"
        #expect(HermesToolCallParser.parse(asString).calls == [ParsedToolCall(name: "f", arguments: ["x": 1])])
        let parameters = "<tool_call>{\"name\": \"f\", \"parameters\": {\"x\": 1}}</tool_call>"
        #expect(HermesToolCallParser.parse(parameters).calls == [ParsedToolCall(name: "f", arguments: ["x": 1])])
        let noArguments = "<tool_call>{\"name\": \"now\"}</tool_call>"
        #expect(HermesToolCallParser.parse(noArguments).calls == [ParsedToolCall(name: "now", arguments: .object([:]))])
    }

    @Test func sawToolCallTracksWellFormedCalls() {
        var parser = HermesToolCallParser()
        _ = parser.push("<tool_call>oops</tool_call>")
        #expect(!parser.sawToolCall)
        _ = parser.push(block)
        #expect(parser.sawToolCall)
    }

    @Test func bareObjectsNamingKnownToolsAreCalls() {
        let bare = "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"celsius\"}}"
        let known: Set<String> = ["get_weather"]
        #expect(HermesToolCallParser.parse(bare, knownTools: known) == (nil, [weather]))
        #expect(HermesToolCallParser.parse(bare) == (bare, []))  // tags only without known tools
        #expect(HermesToolCallParser.parse(bare.replacingOccurrences(of: "get_weather", with: "other"), knownTools: known).calls == [])
        #expect(HermesToolCallParser.parse(bare + "\n" + bare + "\n", knownTools: known).calls == [weather, weather])
        // Held while it may be a call, then streamed as usual once it is not.
        var parser = HermesToolCallParser(knownTools: known)
        #expect(parser.push(" {\"a\": 1}") == [])
        #expect(parser.push(" and more") == [])
        #expect(parser.finish() == [.content(" {\"a\": 1} and more")])
        var streamed = HermesToolCallParser(knownTools: known)
        var events: [HermesToolCallParser.Event] = []
        for c in bare { events += streamed.push(String(c)) }
        #expect(events + streamed.finish() == [.toolCall(weather)] && streamed.sawToolCall)
        // Prose is not held.
        var prose = HermesToolCallParser(knownTools: known)
        #expect(prose.push("It is") == [.content("It is")])
        #expect(prose.push(" {sunny}") == [.content(" {sunny}")])
    }

    @Test func forcedCallSchema() throws {
        let tools: [TemplateValue] = [
            ["type": "function", "function": ["name": "a", "parameters": ["type": "object", "properties": ["x": ["type": "integer"]]]]],
            ["type": "function", "function": ["name": "b"]],
        ]
        let named = try #require(HermesToolCallParser.forcedCall(tools: tools, name: "a"))
        #expect(named.prefix == "<tool_call>\n" && named.suffix == "\n</tool_call>")
        #expect(named.schema["properties"]?["name"] == ["const": "a"])
        #expect(named.schema["properties"]?["arguments"]?["properties"]?["x"] == ["type": "integer"])
        let any = try #require(HermesToolCallParser.forcedCall(tools: tools))
        #expect(any.schema["anyOf"]?.arrayValue?.count == 2)
        #expect(HermesToolCallParser.forcedCall(tools: tools, name: "c") == nil)
    }
}
