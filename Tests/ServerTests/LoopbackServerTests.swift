import Foundation
import Testing
@testable import Server

/// The HTTP edge over a real loopback socket, with a scripted engine behind it: exact response
/// shapes, SSE framing, errors, limits, auth, and cancellation when a client goes away.
@Suite struct LoopbackServerTests {
    let hi = #"{"model": "tiny", "messages": [{"role": "user", "content": "hi"}]"#

    @Test func healthModelsAndUnknownRoutes() async throws {
        try await withServer(engine()) { port in
            let health = try await loopback(port, "GET", "/health")
            #expect(health.status == 200 && health.body == #"{"status": "ok"}"#)
            let models = try await loopback(port, "GET", "/v1/models").json
            let data = models["data"] as? [[String: Any]]
            #expect(models["object"] as? String == "list" && data?.first?["id"] as? String == "tiny")
            let missing = try await loopback(port, "GET", "/v1/nothing")
            #expect(missing.status == 404 && missing.error["code"] as? String == "not_found")
        }
    }

    @Test func chatCompletion() async throws {
        let e = engine()
        try await withServer(e) { port in
            let r = try await loopback(port, "POST", "/v1/chat/completions", body: hi + #", "seed": 5, "n": 2}"#)
            #expect(r.status == 200 && r.headers["content-type"] == "application/json")
            #expect(r.headers["connection"] == "close")  // the server closes it: no reuse
            let o = r.json
            #expect((o["id"] as? String)?.hasPrefix("chatcmpl-") == true && o["object"] as? String == "chat.completion")
            #expect(o["model"] as? String == "tiny" && (o["created"] as? Int ?? 0) > 1_700_000_000)
            let choices = o["choices"] as? [[String: Any]] ?? []
            #expect(choices.count == 2 && choices.map { $0["index"] as? Int } == [0, 1])
            let message = choices.first?["message"] as? [String: Any]
            #expect(message?["role"] as? String == "assistant" && message?["content"] as? String == "Hello world!")
            #expect(message?["tool_calls"] == nil && choices.first?["finish_reason"] as? String == "stop")
            let usage = o["usage"] as? [String: Any]
            #expect(usage?["completion_tokens"] as? Int == 6 && usage?["total_tokens"] as? Int == (usage?["prompt_tokens"] as? Int ?? 0) + 6)
        }
        // The prompt went through the chat template; seeds differ per choice.
        let prompt = TinyChatModel.languageModel.tokenizer.decode(e.submitted[0].prompt, renderSpecial: true)
        #expect(prompt == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n")
        #expect(e.submitted.map(\.sampling.seed) == [5, 6])
    }

    @Test func chatStreamFraming() async throws {
        try await withServer(engine()) { port in
            let r = try await loopback(port, "POST", "/v1/chat/completions",
                                       body: hi + #", "stream": true, "stream_options": {"include_usage": true}}"#)
            #expect(r.status == 200 && r.headers["content-type"] == "text/event-stream")
            #expect(r.body.hasSuffix("data: [DONE]\n\n") && r.body.hasPrefix("data: {"))
            let events = sseData(r.body)
            let chunks = events.dropLast().map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
            #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
            #expect(Set(chunks.compactMap { $0["id"] as? String }).count == 1)
            let deltas = chunks.dropLast().map { (($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any]) ?? [:] }
            #expect(deltas.first?["role"] as? String == "assistant")
            #expect(deltas.compactMap { $0["content"] as? String }.joined() == "Hello world!")
            let last = chunks[chunks.count - 2]["choices"] as? [[String: Any]]
            #expect(last?.first?["finish_reason"] as? String == "stop")
            // Usage last, with no choices; every other chunk carries "usage": null.
            #expect((chunks.last?["choices"] as? [Any])?.isEmpty == true && chunks.last?["usage"] is [String: Any])
            #expect(chunks.dropLast().allSatisfy { $0["usage"] is NSNull })
        }
    }

    @Test func toolCallsWholeAndStreamed() async throws {
        let call = ["<tool_call>", "\n{\"name\": \"get_weather\", ", "\"arguments\": {\"city\": \"Paris\"}}", "\n</tool_call>"]
        let tools = #", "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]"#
        try await withServer(engine(["Let me check."] + call)) { port in
            let o = try await loopback(port, "POST", "/v1/chat/completions", body: hi + tools + "}").json
            let choice = (o["choices"] as? [[String: Any]])?.first
            let message = choice?["message"] as? [String: Any]
            #expect(choice?["finish_reason"] as? String == "tool_calls" && message?["content"] as? String == "Let me check.")
            let calls = message?["tool_calls"] as? [[String: Any]] ?? []
            let function = calls.first?["function"] as? [String: Any]
            #expect(calls.count == 1 && (calls.first?["id"] as? String)?.hasPrefix("call_") == true && calls.first?["type"] as? String == "function")
            #expect(function?["name"] as? String == "get_weather" && function?["arguments"] as? String == #"{"city": "Paris"}"#)

            let s = try await loopback(port, "POST", "/v1/chat/completions", body: hi + tools + #", "stream": true}"#)
            let chunks = sseData(s.body).dropLast().map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
            let deltas = chunks.map { (($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any]) ?? [:] }
            let streamedCalls = deltas.compactMap { $0["tool_calls"] as? [[String: Any]] }.flatMap { $0 }
            #expect(streamedCalls.count == 1 && streamedCalls.first?["index"] as? Int == 0)
            #expect((streamedCalls.first?["function"] as? [String: Any])?["arguments"] as? String == #"{"city": "Paris"}"#)
            #expect(deltas.compactMap { $0["content"] as? String }.joined() == "Let me check.")
            let finish = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String }
            #expect(finish == ["tool_calls"])

            // tool_choice none: the template gets no tools and the text is not parsed.
            let none = try await loopback(port, "POST", "/v1/chat/completions", body: hi + tools + #", "tool_choice": "none"}"#).json
            let plain = ((none["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
            #expect(plain?.contains("<tool_call>") == true)
        }
    }

    /// response_format and forced tool calls reach the engine as token constraints; a schema the
    /// compiler refuses is a 400 that names it.
    @Test func constraintsReachTheEngine() async throws {
        let e = engine(["{}"])
        let tokenizer = TinyChatModel.languageModel.tokenizer
        let id = { (s: String) in tokenizer.encode(s, addSpecial: false)[0] }
        let tools = #", "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]"#
        try await withServer(e) { port in
            var r = try await loopback(port, "POST", "/v1/chat/completions", body: hi + #", "response_format": {"type": "json_object"}}"#)
            #expect(r.status == 200)
            r = try await loopback(port, "POST", "/v1/chat/completions", body: hi + tools + #", "tool_choice": "required"}"#)
            #expect(r.status == 200)
            r = try await loopback(port, "POST", "/v1/completions", body: #"{"prompt": "a", "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "string", "pattern": "a+"}}}}"#)
            #expect(r.status == 400 && r.error["param"] as? String == "response_format.json_schema.schema" && r.error["code"] as? String == "invalid_schema")
        }
        let json = try #require(e.submitted[0].constraint)
        #expect(json.allows(id("{")) && !json.allows(id("a")))
        let forced = try #require(e.submitted[1].constraint)
        #expect(forced.allows(id("<")) && !forced.allows(id("{")))
    }

    @Test func completionEchoLogprobs() async throws {
        let e = engine()
        try await withServer(e) { port in
            let o = try await loopback(port, "POST", "/v1/completions",
                                       body: #"{"prompt": [10, 20, 30], "echo": true, "max_tokens": 0, "logprobs": 1}"#).json
            #expect(o["object"] as? String == "text_completion")
            let choice = (o["choices"] as? [[String: Any]])?.first
            let lp = choice?["logprobs"] as? [String: Any]
            #expect((lp?["tokens"] as? [String])?.count == 3)
            let scores = lp?["token_logprobs"] as? [Any] ?? []
            #expect(scores.count == 3 && scores.first is NSNull && scores.dropFirst().allSatisfy { ($0 as? Double) == -0.5 })
            let top = lp?["top_logprobs"] as? [Any] ?? []
            #expect(top.first is NSNull && (top.last as? [String: Double])?.count == 1)
            #expect(lp?["text_offset"] as? [Int] == [0, 1, 2])
            #expect(choice?["text"] as? String == TinyChatModel.languageModel.tokenizer.decode([10, 20, 30]))
            #expect(choice?["finish_reason"] as? String == "length")
        }
        #expect(e.submitted.first?.promptLogprobs == 1 && e.submitted.first?.maxTokens == 0)
    }

    @Test func completionPromptsTimesN() async throws {
        try await withServer(engine()) { port in
            let o = try await loopback(port, "POST", "/v1/completions", body: #"{"prompt": ["a", "b"], "n": 2, "max_tokens": 2}"#).json
            let choices = o["choices"] as? [[String: Any]] ?? []
            #expect(choices.map { $0["index"] as? Int } == [0, 1, 2, 3])
            #expect(choices.allSatisfy { $0["text"] as? String == "Hello world" && $0["finish_reason"] as? String == "length" })
            let s = try await loopback(port, "POST", "/v1/completions", body: #"{"prompt": "a", "stream": true, "stream_options": {"include_usage": true}}"#)
            let events = sseData(s.body)
            #expect(events.last == "[DONE]")
            let texts = events.dropLast(2).compactMap { ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any])?["choices"] as? [[String: Any]] }
            #expect(texts.compactMap { $0.first?["text"] as? String }.joined() == "Hello world!")
        }
    }

    @Test func apiKeys() async throws {
        try await withServer(engine(), configure: { $0.apiKeys = ["k1", "k2"] }) { port in
            let missing = try await loopback(port, "GET", "/v1/models")
            #expect(missing.status == 401 && missing.error["code"] as? String == "invalid_api_key")
            #expect(missing.error["type"] as? String == "invalid_request_error" && missing.error.keys.contains("param"))
            #expect(try await loopback(port, "GET", "/v1/models", headers: ["Authorization": "Bearer k3"]).status == 401)
            #expect(try await loopback(port, "GET", "/v1/models", headers: ["Authorization": "Bearer k2"]).status == 200)
            #expect(try await loopback(port, "GET", "/health").status == 200)
            #expect(try await loopback(port, "GET", "/").status == 200)
            #expect(try await loopback(port, "GET", "/metrics").status == 401)
        }
    }

    @Test func limits() async throws {
        try await withServer(engine(capacity: 0), configure: {
            $0.limits.maxBodyBytes = 1000
            $0.limits.maxPromptTokens = 20
        }) { port in
            let big = try await loopback(port, "POST", "/v1/completions", body: #"{"prompt": ""# + String(repeating: "x", count: 2000) + #""}"#)
            #expect(big.status == 413 && big.error["code"] as? String == "request_too_large")
            let long = try await loopback(port, "POST", "/v1/completions", body: #"{"prompt": ""# + String(repeating: "ab ", count: 40) + #""}"#)
            #expect(long.status == 400 && long.error["param"] as? String == "prompt" && long.error["code"] as? String == "context_length_exceeded")
            let full = try await loopback(port, "POST", "/v1/completions", body: #"{"prompt": "a"}"#)
            #expect(full.status == 429 && full.error["code"] as? String == "queue_full")
            let malformed = try await loopback(port, "POST", "/v1/chat/completions", body: #"{"messages": [}"#)
            #expect(malformed.status == 400 && malformed.error["type"] as? String == "invalid_request_error")
            let badToken = try await loopback(port, "POST", "/v1/completions", body: #"{"prompt": [999999]}"#)
            #expect(badToken.status == 400 && badToken.error["param"] as? String == "prompt")
        }
    }

    @Test func tokenizeAndDetokenize() async throws {
        try await withServer(engine()) { port in
            let t = try await loopback(port, "POST", "/tokenize", body: #"{"prompt": "hello <|im_end|>"}"#).json
            let tokens = t["tokens"] as? [Int] ?? []
            #expect(tokens.last == TinyChatModel.languageModel.tokenizer.tokenID(of: "<|im_end|>") && t["count"] as? Int == tokens.count)
            let d = try await loopback(port, "POST", "/detokenize", body: "{\"tokens\": \(tokens)}").json
            #expect(d["prompt"] as? String == "hello " && d["content"] as? String == "hello ")
            let c = try await loopback(port, "POST", "/tokenize", body: #"{"content": "hello", "with_pieces": true}"#).json
            #expect((c["pieces"] as? [[String: Any]])?.compactMap { $0["piece"] as? String }.joined() == "hello")
        }
    }

    @Test func metricsEndpoint() async throws {
        try await withServer(engine()) { port in
            _ = try await loopback(port, "POST", "/v1/completions", body: #"{"prompt": "a"}"#)
            let m = try await loopback(port, "GET", "/metrics")
            #expect(m.status == 200 && m.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(m.body.contains("tern_http_responses_total{route=\"/v1/completions\",code=\"200\"} 1\n"))
            #expect(m.body.contains("tern_e2e_request_latency_seconds_count 1\n") && m.body.contains("tern_kv_cache_usage_ratio 0.25\n"))
        }
    }

    /// A streaming client that disconnects stops the engine request (its stream is dropped).
    /// The limit only guards against a read that never returns: the whole suite runs in parallel
    /// with the model tests, and a starved run has taken over a minute to get its first chunks.
    @Test(.timeLimit(.minutes(5))) func disconnectCancelsTheEngineRequest() async throws {
        let e = engine(Array(repeating: "x", count: 10_000), tokenDelay: .milliseconds(20))
        try await withServer(e) { port in
            let connection = try LoopbackConnection(port: port)
            connection.send(method: "POST", path: "/v1/chat/completions", body: hi + #", "stream": true}"#)
            _ = try await onOwnThread { connection.read(atLeast: 600) }  // the head and a few chunks
            #expect(e.open == 1 && e.cancelled == 0)
            connection.close()
            for _ in 0..<200 where e.cancelled == 0 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(e.cancelled == 1 && e.open == 0)
        }
    }
}
