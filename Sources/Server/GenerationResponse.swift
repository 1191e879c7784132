import Hummingbird
import Tokenization

/// Writes a generation's choices as server-sent events (chat and completions chunks).
protocol ChoiceEventWriter: Sendable {
    func write(_ streams: ChoiceStreams, to writer: inout any ResponseBodyWriter) async throws
}

extension ChatStream: ChoiceEventWriter {}
extension CompletionStream: ChoiceEventWriter {}

/// The response of a generation endpoint: server-sent events as the engine produces them when
/// `streaming`, else the JSON object that `object` builds from the gathered choices. Both are
/// cancelled when the client goes away (which ends the engine streams and frees their pages).
func generationResponse(_ request: Request, streaming: Bool, streams: ChoiceStreams, events: some ChoiceEventWriter,
                        metrics: ServerMetrics, object: ([ChoiceResult]) -> TemplateValue) async throws -> Response {
    if streaming {
        return Response(status: .ok, headers: ServerSentEvents.headers, body: ResponseBody { writer in
            try await request.cancellingOnDisconnect { try await events.write(streams, to: &writer) }
            try await writer.finish(nil)
        }).closingConnection
    }
    let results = try await request.cancellingOnDisconnect {
        try await gatherChoices(streams) { metrics.recordCompletion($0) }
    }
    return Response.json(object(results)).closingConnection
}
