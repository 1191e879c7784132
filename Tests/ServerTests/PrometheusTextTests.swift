import Testing
@testable import Generation
@testable import Server

@Suite struct PrometheusTextTests {
    @Test func histogramIsCumulativeWithInfSumAndCount() {
        var h = Histogram(bounds: [0.1, 1])
        for v in [0.05, 0.5, 0.7, 3] { h.observe(v) }
        var p = PrometheusText()
        p.histogram("x_seconds", "X.", h)
        #expect(p.text == """
            # HELP x_seconds X.
            # TYPE x_seconds histogram
            x_seconds_bucket{le="0.1"} 1
            x_seconds_bucket{le="1"} 3
            x_seconds_bucket{le="+Inf"} 4
            x_seconds_sum 4.25
            x_seconds_count 4

            """)
    }

    @Test func labelsAreEscaped() {
        var p = PrometheusText()
        p.sample("y", [("route", "a\"b\\c\nd")], 2)
        #expect(p.text == "y{route=\"a\\\"b\\\\c\\nd\"} 2\n")
    }

    @Test func serverMetricsText() {
        let m = ServerMetrics()
        m.recordResponse(route: "/v1/completions", status: 200)
        m.recordResponse(route: "/v1/completions", status: 200)
        m.recordResponse(route: "/v1/completions", status: 429)
        m.recordCompletion(EngineCompletion(finishReason: .length, promptTokens: 3, cachedPromptTokens: 0, tokens: [1],
                                            text: "a", timeToFirstToken: 0.2, totalSeconds: 0.3))
        var e = EngineMetrics()
        e.kvPagesTotal = 8; e.kvPagesUsed = 2; e.generatedTokens = 5; e.requestsCancelled = 3
        let text = m.prometheusText(engine: e)
        for line in ["tern_http_responses_total{route=\"/v1/completions\",code=\"200\"} 2",
                     "tern_http_responses_total{route=\"/v1/completions\",code=\"429\"} 1",
                     "tern_request_finished_total{finish_reason=\"length\"} 1",
                     "tern_time_to_first_token_seconds_bucket{le=\"0.25\"} 1", "tern_time_to_first_token_seconds_count 1",
                     "tern_kv_cache_usage_ratio 0.25", "tern_engine_requests_total{outcome=\"cancelled\"} 3", "tern_kv_cache_pages{state=\"total\"} 8", "tern_generation_tokens_total 5",
                     "# TYPE tern_requests_running gauge", "tern_model_loaded 1"] {
            #expect(text.contains(line + "\n"), "\(line)")
        }
        #expect(m.prometheusText(engine: nil).contains("tern_model_loaded 0\n"))
    }
}
