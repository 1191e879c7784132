import HTTPTypes
import Hummingbird

/// Turns every error into OpenAI's error body: `APIError`s as they are, Hummingbird's own
/// (404 for an unknown route, 405, 413) with their status, anything else as a 500.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as HTTPResponseError {
            let status = error.status
            let message = status == .notFound ? "No route \(request.method) \(request.uri.path)." : "\(status.code) \(status.reasonPhrase)"
            let type = status.code >= 500 ? "server_error" : "invalid_request_error"
            return APIError(status: status, message: message, type: type, code: status == .notFound ? "not_found" : nil).response
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return APIError(status: .internalServerError, message: "Internal error: \(error)", type: "server_error").response
        }
    }
}
