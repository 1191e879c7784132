import Hummingbird

/// Counts responses by route and status code for `/metrics` (a streamed response counts when
/// its head is written, with the status it started with).
struct ResponseMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    /// Routes counted by name; anything else is "other", so that scanners cannot grow the label set.
    static var routes: Set<String> {
        ["/v1/chat/completions", "/v1/completions", "/v1/models", "/tokenize", "/detokenize", "/health", "/metrics", "/"]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = Self.routes.contains(request.uri.path) ? request.uri.path : "other"
        let response = try await next(request, context)
        metrics.recordResponse(route: route, status: response.status.code)
        return response
    }
}
