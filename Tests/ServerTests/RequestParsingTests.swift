import Testing
@testable import Generation
@testable import Server
import Tokenization

/// Request bodies read into typed requests, and each mistake reported with the field at fault.
@Suite struct RequestParsingTests {
    func chat(_ json: String, limits: ServerLimits = ServerLimits()) throws(APIError) -> ChatCompletionRequest {
        try ChatCompletionRequest(JSONFields(body: json), limits: limits)
    }

    func completion(_ json: String, limits: ServerLimits = ServerLimits()) throws(APIError) -> CompletionRequest {
        try CompletionRequest(JSONFields(body: json), limits: limits)
    }

    /// The error a body gives, or nil.
    func error(_ make: () throws -> Void) -> APIError? {
        do { try make(); return nil } catch { return error as? APIError }
    }

    @Test func defaultsAreOpenAIs() throws {
        let r = try chat(#"{"model": "m", "messages": [{"role": "user", "content": "hi"}]}"#)
        let s = r.generation.sampling
        #expect(s.temperature == 1 && s.topP == 1 && s.topK == 0 && s.minP == 0)
        #expect(s.presencePenalty == 0 && s.frequencyPenalty == 0 && s.repetitionPenalty == 1 && s.seed == nil)
        #expect(r.generation.maxTokens == nil && r.generation.n == 1 && !r.generation.stream && r.logprobs == nil)
        #expect(r.toolChoice == .auto && r.responseFormat == .text && r.templateTools == nil)
        let c = try completion(#"{"prompt": "x"}"#)
        #expect(c.generation.maxTokens == 16)  // the legacy API's default
    }

    @Test func samplingFieldsAndSeedsPerChoice() throws {
        let r = try chat(#"""
            {"messages": [{"role": "user", "content": "hi"}], "temperature": 0.5, "top_p": 0.9, "top_k": 40, "min_p": 0.05,
             "presence_penalty": 1, "frequency_penalty": -1, "seed": -1, "n": 3, "stop": "END", "max_completion_tokens": 7,
             "stream": true, "stream_options": {"include_usage": true}, "logprobs": true, "top_logprobs": 2, "user": "u"}
            """#)
        #expect(r.generation.sampling.temperature == 0.5 && r.generation.sampling.topK == 40)
        #expect(r.generation.sampling(forChoice: 0).seed == UInt64.max && r.generation.sampling(forChoice: 1).seed == 0)
        #expect(r.generation.stop == ["END"] && r.generation.maxTokens == 7 && r.generation.includeUsage && r.logprobs == 2)
    }

    @Test func wrongTypesNameTheField() {
        let cases: [(String, String)] = [
            (#"{"messages": "hi"}"#, "messages"),
            (#"{"messages": []}"#, "messages"),
            (#"{"messages": [{"role": "user", "content": 5}]}"#, "messages[0].content"),
            (#"{"messages": [{"role": "wizard", "content": "x"}]}"#, "messages[0].role"),
            (#"{"messages": [{"role": "user", "content": "x"}], "temperature": "hot"}"#, "temperature"),
            (#"{"messages": [{"role": "user", "content": "x"}], "temperature": 3}"#, "temperature"),
            (#"{"messages": [{"role": "user", "content": "x"}], "max_tokens": 1.5}"#, "max_tokens"),
            (#"{"messages": [{"role": "user", "content": "x"}], "stop": [1]}"#, "stop[0]"),
            (#"{"messages": [{"role": "user", "content": "x"}], "stream_options": {"include_usage": 1}}"#, "stream_options.include_usage"),
            (#"{"messages": [{"role": "user", "content": "x"}], "top_logprobs": 2}"#, "top_logprobs"),
            (#"{"messages": [{"role": "user", "content": "x"}], "tool_choice": "required"}"#, "tool_choice"),
            (#"{"messages": [{"role": "user", "content": "x"}], "response_format": {"type": "xml"}}"#, "response_format.type"),
        ]
        for (body, param) in cases {
            let e = error { _ = try chat(body) }
            #expect(e?.status == .badRequest && e?.param == param, "\(body)")
            #expect(e?.type == "invalid_request_error")
        }
    }

    @Test func malformedJSONIs400() {
        let e = error { _ = try chat("{\"messages\": [") }
        #expect(e?.status == .badRequest && e?.code == "invalid_json")
        #expect(error { _ = try chat("[1, 2]") }?.status == .badRequest)
    }

    @Test func maxTokensOverTheLimit() {
        var limits = ServerLimits()
        limits.maxTokensLimit = 100
        let e = error { _ = try chat(#"{"messages": [{"role": "user", "content": "x"}], "max_tokens": 101}"#, limits: limits) }
        #expect(e?.param == "max_tokens")
        #expect(error { _ = try chat(#"{"messages": [{"role": "user", "content": "x"}], "max_tokens": 100}"#, limits: limits) } == nil)
    }

    @Test func messagesWithToolCallsAndContentParts() throws {
        let r = try chat(#"""
            {"messages": [
              {"role": "developer", "content": [{"type": "text", "text": "Be "}, {"type": "text", "text": "brief."}]},
              {"role": "user", "content": "Weather?"},
              {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\", \"days\": 2}"}}]},
              {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}],
             "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}],
             "tool_choice": {"type": "function", "function": {"name": "get_weather"}}}
            """#)
        #expect(r.messages[0] == ChatMessage(role: "system", content: "Be brief."))
        #expect(r.messages[2].toolCalls == [ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Paris", "days": 2])])
        #expect(r.messages[3].toolCallID == "call_1")
        #expect(r.toolChoice == .function("get_weather") && r.parsesToolCalls)
        let none = try chat(#"{"messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": "none"}"#)
        #expect(none.templateTools == nil && !none.parsesToolCalls)
        let unknown = error { _ = try chat(#"{"messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function", "function": {"name": "f"}}], "tool_choice": {"type": "function", "function": {"name": "g"}}}"#) }
        #expect(unknown?.param == "tool_choice")
    }

    @Test func responseFormats() throws {
        let schema = try chat(#"{"messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_schema", "json_schema": {"name": "p", "schema": {"type": "object", "properties": {"b": {}, "a": {}}}, "strict": true}}}"#)
        guard case .jsonSchema(let name, let s, let strict) = schema.responseFormat else { Issue.record("not a schema"); return }
        #expect(name == "p" && strict && s["properties"]?.objectValue?.keys == ["b", "a"])
        #expect(try chat(#"{"messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_object"}}"#).responseFormat == .jsonObject)
    }

    @Test func promptShapes() throws {
        func shape(_ prompt: String) throws(APIError) -> [String] {
            try completion("{\"prompt\": \(prompt)}").prompts.map {
                switch $0 { case .text(let s): "t:\(s)"; case .tokens(let ids): "i:\(ids)" }
            }
        }
        #expect(try shape(#""a""#) == ["t:a"])
        #expect(try shape(#"["a", "b"]"#) == ["t:a", "t:b"])
        #expect(try shape("[1, 2, 3]") == ["i:[1, 2, 3]"])
        #expect(try shape("[[1, 2], [3]]") == ["i:[1, 2]", "i:[3]"])
        for bad in ["[]", "5", "[\"a\", 1]", "[[1], \"a\"]", "[-1]", "null"] {
            #expect(error { _ = try shape(bad) }?.param?.hasPrefix("prompt") == true, "\(bad)")
        }
    }

    @Test func echoLogprobsAndZeroTokens() throws {
        let c = try completion(#"{"prompt": [1, 2], "echo": true, "max_tokens": 0, "logprobs": 1}"#)
        #expect(c.echo && c.logprobs == 1 && c.generation.maxTokens == 0)
        #expect(error { _ = try completion(#"{"prompt": "x", "logprobs": 21}"#) }?.param == "logprobs")
        #expect(error { _ = try chat(#"{"messages": [{"role": "user", "content": "x"}], "max_tokens": 0}"#) }?.param == "max_tokens")
    }

    @Test func engineErrorsMapToStatuses() {
        #expect(APIError(.queueFull(limit: 4), promptParam: "prompt").status == .tooManyRequests)
        #expect(APIError(.promptTooLong(tokens: 9, limit: 8), promptParam: "messages").param == "messages")
        #expect(APIError(.shuttingDown, promptParam: "prompt").status == .serviceUnavailable)
        #expect(APIError(.internalFailure("x"), promptParam: "prompt").status == .internalServerError)
    }

    @Test func errorBodyShape() {
        let e = APIError.invalidRequest("bad", param: "n")
        #expect(e.body.jsonString() == #"{"error": {"message": "bad", "type": "invalid_request_error", "param": "n", "code": null}}"#)
    }
}
