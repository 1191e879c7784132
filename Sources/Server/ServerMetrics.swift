import Generation
import Synchronization

/// What the HTTP edge counts itself (the engine counts tokens and pages): responses by route and
/// status, finished requests by finish reason, and latency histograms.
public final class ServerMetrics: Sendable {
    struct State {
        /// (route, status code) → responses.
        var responses: [ResponseKey: Int] = [:]
        /// finish_reason → finished engine requests.
        var finished: [String: Int] = [:]
        var timeToFirstToken = Histogram(bounds: Histogram.latencyBounds)
        var endToEnd = Histogram(bounds: Histogram.latencyBounds)
    }

    struct ResponseKey: Hashable, Comparable {
        var route: String
        var status: Int
        static func < (a: ResponseKey, b: ResponseKey) -> Bool { (a.route, a.status) < (b.route, b.status) }
    }

    private let state = Mutex(State())

    /// Counters at zero.
    public init() {}

    func recordResponse(route: String, status: Int) {
        state.withLock { $0.responses[ResponseKey(route: route, status: status), default: 0] += 1 }
    }

    /// One engine request ended.
    func recordCompletion(_ c: EngineCompletion) {
        state.withLock {
            $0.finished[finishReasonText(c.finishReason), default: 0] += 1
            if !c.tokens.isEmpty { $0.timeToFirstToken.observe(c.timeToFirstToken) }
            $0.endToEnd.observe(c.totalSeconds)
        }
    }

    /// Everything in Prometheus' text exposition format (version 0.0.4); `engine` is nil while
    /// the model loads.
    func prometheusText(engine: EngineMetrics?) -> String {
        let s = state.withLock { $0 }
        var out = PrometheusText()
        if let e = engine {
            out.gauge("tern_requests_running", "Requests being decoded.", e.running)
            out.gauge("tern_requests_waiting", "Requests queued for a slot.", e.waiting)
            out.counter("tern_prompt_tokens_total", "Prompt tokens processed (computed or reused).", e.promptTokens)
            out.counter("tern_prompt_tokens_cached_total", "Prompt tokens whose KV came from the prefix cache.", e.cachedPromptTokens)
            out.counter("tern_generation_tokens_total", "Tokens generated.", e.generatedTokens)
            out.header("tern_engine_requests_total", "Engine requests ended, by outcome (cancelled: the client went away or the server stopped).", type: "counter")
            out.sample("tern_engine_requests_total", ["outcome": "finished"], e.requestsFinished)
            out.sample("tern_engine_requests_total", ["outcome": "cancelled"], e.requestsCancelled)
            out.counter("tern_preemptions_total", "Requests preempted to free KV pages.", e.preemptions)
            out.counter("tern_engine_steps_total", "Engine scheduler steps.", e.steps)
            out.gauge("tern_kv_cache_usage_ratio", "Fraction of KV pages referenced by live sequences.", e.kvUsage)
            out.header("tern_kv_cache_pages", "KV-cache pages by state.", type: "gauge")
            out.sample("tern_kv_cache_pages", ["state": "used"], e.kvPagesUsed)
            out.sample("tern_kv_cache_pages", ["state": "cached"], e.kvPagesCached)
            out.sample("tern_kv_cache_pages", ["state": "total"], e.kvPagesTotal)
            out.gauge("tern_kv_cache_page_size_tokens", "Positions per KV page.", e.pageSize)
        }
        out.gauge("tern_model_loaded", "1 once the model serves requests.", engine == nil ? 0 : 1)
        out.header("tern_http_responses_total", "HTTP responses by route and status code.", type: "counter")
        for key in s.responses.keys.sorted() {
            out.sample("tern_http_responses_total", ["route": key.route, "code": String(key.status)], s.responses[key]!)
        }
        out.header("tern_request_finished_total", "Generation requests finished, by finish reason.", type: "counter")
        for reason in s.finished.keys.sorted() {
            out.sample("tern_request_finished_total", ["finish_reason": reason], s.finished[reason]!)
        }
        out.histogram("tern_time_to_first_token_seconds", "Seconds from queueing to the first generated token.", s.timeToFirstToken)
        out.histogram("tern_e2e_request_latency_seconds", "Seconds from queueing to the last token.", s.endToEnd)
        return out.text
    }
}

/// A Prometheus histogram: cumulative counts per upper bound, plus sum and count.
struct Histogram {
    /// Seconds, from a fast first token on a small model to a long generation on a busy CPU.
    static let latencyBounds: [Double] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160]

    let bounds: [Double]
    /// counts[i]: observations ≤ bounds[i] (not cumulative here; summed when written).
    var counts: [Int]
    var sum = 0.0
    var count = 0

    init(bounds: [Double]) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count)
    }

    mutating func observe(_ value: Double) {
        if let i = bounds.firstIndex(where: { value <= $0 }) { counts[i] += 1 }
        sum += value
        count += 1
    }
}
