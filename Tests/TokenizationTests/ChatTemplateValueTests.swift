import Testing
@testable import Tokenization

/// TemplateValue's JSON reading and writing, Python-style printing, and ChatMessage's dict shape.
@Suite struct ChatTemplateValueTests {
    @Test func parsesJSONKeepingKeyOrder() throws {
        let v = try TemplateValue(json: #" {"z": 1, "a": [true, false, null], "m": {"y": 2.5, "x": -0, "e": 1e3}, "s": "\u00e9\ud83d\ude00\n\"\\/"} "#)
        #expect(v.objectValue?.keys == ["z", "a", "m", "s"])
        #expect(v["a"] == [true, false, nil])
        #expect(v["m"]?["y"] == .double(2.5))
        #expect(v["m"]?["x"] == .int(0))
        #expect(v["m"]?["e"] == .double(1000))
        #expect(v["s"] == .string("é😀\n\"\\/"))
        #expect(try TemplateValue(json: "9223372036854775808") == .double(9_223_372_036_854_775_808))
        let dup = try TemplateValue(json: #"{"a": 1, "b": 2, "a": 3}"#)
        #expect(dup.objectValue?.keys == ["a", "b"])
        #expect(dup["a"] == 3)
    }

    @Test(arguments: ["", "[1,]", "{\"a\" 1}", "tru", "\"\\x\"", "01", "1.", "[1] 2", "\"a\u{01}\"", "{'a': 1}"])
    func rejectsMalformedJSON(_ text: String) {
        #expect(throws: ChatTemplateError.self) { try TemplateValue(json: text) }
    }

    @Test func writesJSONAsPythonJsonDumps() throws {
        let v: TemplateValue = ["name": "get_weather", "args": ["city": "São Paulo", "n": 3, "t": 21.5, "tiny": 1e-07,
                                                               "ok": true, "none": nil, "list": [], "obj": [:]]]
        #expect(v.jsonString() == #"{"name": "get_weather", "args": {"city": "São Paulo", "n": 3, "t": 21.5, "tiny": 1e-07, "ok": true, "none": null, "list": [], "obj": {}}}"#)
        #expect(TemplateValue.array([1, ["a": 2]]).jsonString(indent: 2) == "[\n  1,\n  {\n    \"a\": 2\n  }\n]")
        #expect(TemplateValue(dictionaryLiteral: ("b", 1), ("a", 2)).jsonString(sortKeys: true) == #"{"a": 2, "b": 1}"#)
        #expect(TemplateValue.string("é😀\u{01}\u{7f}\"\\\n\t").jsonString() == "\"é😀\\u0001\u{7f}\\\"\\\\\\n\\t\"")
        #expect(TemplateValue.string("é😀").jsonString(ensureASCII: true) == #""\u00e9\ud83d\ude00""#)
        #expect(TemplateValue.array([.double(.nan), .double(.infinity), .double(-0.0), .double(1e16), .double(123.0)]).jsonString()
            == "[NaN, Infinity, -0.0, 1e+16, 123.0]")
        // Round trip.
        let text = #"{"a": [1, 2.5, "x", null, {"b": false}]}"#
        #expect(try TemplateValue(json: text).jsonString() == text)
    }

    @Test(arguments: [
        (0.1, "0.1"), (1.0, "1.0"), (-2.5, "-2.5"), (1e16, "1e+16"), (1e15, "1000000000000000.0"), (0.0001, "0.0001"),
        (0.00001, "1e-05"), (1.0 / 3.0, "0.3333333333333333"), (123456789.125, "123456789.125"), (Double.leastNonzeroMagnitude, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (1234567890123456.0, "1234567890123456.0"),
        (12345678901234567.0, "1.2345678901234568e+16"), (.infinity, "inf"), (-0.0, "-0.0"), (2.5e-5, "2.5e-05"),
    ])
    func floatsPrintAsPythonRepr(_ value: Double, _ expected: String) {
        #expect(PythonText.floatRepr(value) == expected)
    }

    @Test func valuesPrintAsPythonStr() throws {
        let v: TemplateValue = ["a": 1, "b": [true, nil, 1.0, "it's"], "c": ["d": "x\ny"]]
        #expect(try JinjaValue(v).pythonString() == #"{'a': 1, 'b': [True, None, 1.0, "it's"], 'c': {'d': 'x\ny'}}"#)
        let rendered = try ChatTemplate(source: "{{ v }}|{{ t }}|{{ n }}|{{ s }}").render(context: ["v": v, "t": true, "n": nil, "s": "plain"])
        #expect(rendered == #"{'a': 1, 'b': [True, None, 1.0, "it's"], 'c': {'d': 'x\ny'}}|True|None|plain"#)
        #expect(v.pythonDescription == #"{'a': 1, 'b': [True, None, 1.0, "it's"], 'c': {'d': 'x\ny'}}"#)
        #expect(TemplateValue.double(1e-05).pythonDescription == "1e-05")
        #expect(TemplateValue.string("as is").pythonDescription == "as is")
        #expect(PythonText.repr("a'b\"c") == #"'a\'b"c'"#)
        #expect(PythonText.repr("\u{0}\u{7f}\u{85}é\u{2028}😀") == #"'\x00\x7f\x85é\u2028😀'"#)
    }

    @Test func chatMessagesHaveTheOpenAIShape() throws {
        let call = ToolCall(id: "call1a2b3", name: "get_weather", arguments: ["city": "Paris"])
        #expect(ChatMessage.assistant(nil, toolCalls: [call]).templateValue ==
            ["role": "assistant", "content": nil,
             "tool_calls": [["id": "call1a2b3", "type": "function", "function": ["name": "get_weather", "arguments": ["city": "Paris"]]]]])
        #expect(ChatMessage.user("hi").templateValue == ["role": "user", "content": "hi"])
        #expect(ChatMessage.tool("21 C", toolCallID: "call1a2b3", name: "get_weather").templateValue ==
            ["role": "tool", "content": "21 C", "tool_call_id": "call1a2b3", "name": "get_weather"])
        let parsed = try ChatMessage(from: try TemplateValue(json:
            #"{"role": "assistant", "content": null, "tool_calls": [{"id": "call1a2b3", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]}"#))
        #expect(parsed == ChatMessage.assistant(nil, toolCalls: [call]))
        #expect(throws: ChatTemplateError.self) { try ChatMessage(from: ["content": "no role"]) }
        #expect(throws: ChatTemplateError.self) { try ChatMessage(from: ["role": "user", "content": [["type": "text"]]]) }
    }

    @Test func renderPassesWhatApplyChatTemplatePasses() throws {
        let t = try ChatTemplate(source: "{{ tools is none }} {{ documents is none }} {{ add_generation_prompt }} {{ bos_token }} {{ eos_token is defined }} {{ x }}",
                                 bosToken: "<s>")
        #expect(try t.render(messages: [], addGenerationPrompt: false, extra: ["x": 5]) == "True True False <s> False 5")
        #expect(try t.render(messages: [], tools: [], addGenerationPrompt: true, bosToken: "<b>", eosToken: "</b>")
            == "False True True <b> True ")
    }

    @Test func strftimeNowFormatsTheCurrentDate() throws {
        let year = try ChatTemplate(source: "{{ strftime_now('%Y') }}").render(context: [:])
        #expect(year.count == 4 && Int(year)! >= 2024)
        // Llama 3.2's template uses it when no date_string is given.
        let fixture = try ChatTemplateFixtures.load("llama-3.2-3b-instruct")
        let llama = try ChatTemplate(source: fixture["template"]!.stringValue!)
        let text = try llama.render(messages: [.user("hi")], addGenerationPrompt: true)
        #expect(text.contains("Today Date: ") && text.contains(" \(year)\n"))
    }

    @Test func templatesAreReusableAndSendable() async throws {
        let template = try ChatTemplate.builtin(named: "gemma3")
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<8 {
                group.addTask { try template.render(messages: [.user("n\(i)")], addGenerationPrompt: true) }
            }
            var all: [String] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(Set(results).count == 8)
    }
}
