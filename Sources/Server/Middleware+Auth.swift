import Hummingbird

/// Requires `Authorization: Bearer <key>` with one of the server's keys on every route but the
/// health check and the web page; 401 with OpenAI's error body otherwise. No keys: open.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: [String]
    /// Paths anyone may read (load balancers probe `/health` without credentials).
    static var publicPaths: Set<String> { ["/health", "/"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if keys.isEmpty || Self.publicPaths.contains(request.uri.path) { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              Self.matches(String(header.dropFirst("Bearer ".count)).trimmingSpaces(), keys) else {
            throw APIError.unauthorized
        }
        return try await next(request, context)
    }

    /// Whether `candidate` is one of `keys`, comparing every byte of every key so that the time
    /// taken does not tell how much of a key was right.
    static func matches(_ candidate: String, _ keys: [String]) -> Bool {
        let c = Array(candidate.utf8)
        var found = false
        for key in keys {
            let k = Array(key.utf8)
            var difference = UInt8(c.count == k.count ? 0 : 1)
            for i in 0..<k.count { difference |= k[i] ^ (i < c.count ? c[i] : 0) }
            found = found || difference == 0
        }
        return found
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
