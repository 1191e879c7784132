import Hummingbird

extension Request {
    /// Runs `operation`, cancelled as soon as the client closes the connection (for a stream,
    /// also when a write fails): the engine streams it consumes then end, which cancels their
    /// requests and frees their KV pages. Hummingbird closes such a connection after the
    /// response, so responses made this way say `Connection: close` (see `closingConnection`).
    func cancellingOnDisconnect<Value: Sendable>(_ operation: () async throws -> Value) async throws -> Value {
        try await body.consumeWithCancellationOnInboundClose { _ in try await operation() }
    }
}

extension Response {
    /// This response with `Connection: close`, so that a client does not send its next request
    /// on a connection the server is about to close.
    var closingConnection: Response {
        var response = self
        response.headers[.connection] = "close"
        return response
    }
}
