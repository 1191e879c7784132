import Generation
import HTTPTypes
import Hummingbird
import Tokenization

/// An error as OpenAI's API reports it: an HTTP status and the body
/// `{"error": {"message", "type", "param", "code"}}`, which every OpenAI client parses.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// What was wrong, for a person.
    public var message: String
    /// `invalid_request_error`, `authentication_error`, `rate_limit_error`, `server_error`, ...
    public var type: String
    /// The request field at fault (`messages[1].content`, `max_tokens`), when there is one.
    public var param: String?
    public var code: String?

    /// An error with every field given.
    public init(status: HTTPResponse.Status, message: String, type: String, param: String? = nil, code: String? = nil) {
        self.status = status; self.message = message; self.type = type; self.param = param; self.code = code
    }

    /// One line: status, type, message, field.
    public var description: String { "\(status.code) \(type): \(message)" + (param.map { " (param \($0))" } ?? "") }

    /// 400: the request is malformed or asks for something this server cannot do.
    public static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: code)
    }

    /// 401: no key, or not one of the server's keys.
    public static let unauthorized = APIError(
        status: .unauthorized, message: "Incorrect or missing API key: send it as 'Authorization: Bearer <key>'.",
        type: "invalid_request_error", code: "invalid_api_key")

    /// 413: the body is larger than the server accepts.
    public static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge, message: "The request body is larger than this server's limit of \(limit) bytes.",
                 type: "invalid_request_error", code: "request_too_large")
    }

    /// 503 while the model loads.
    public static let modelLoading = APIError(status: .serviceUnavailable, message: "The model is still loading; retry shortly.",
                                              type: "server_error", code: "model_loading")

    /// The body `{"error": {...}}`.
    public var body: TemplateValue {
        ["error": ["message": .string(message), "type": .string(type),
                   "param": param.map(TemplateValue.string) ?? .null, "code": code.map(TemplateValue.string) ?? .null]]
    }

    /// The whole HTTP response.
    public var response: Response { .json(body, status: status) }
}

extension APIError {
    /// How the engine's refusals reach a client: the request's fault is 400 (with the field that
    /// caused it), a full queue 429, shutting down 503, a failed forward pass 500.
    public init(_ error: EngineError, promptParam: String) {
        switch error {
        case .emptyPrompt, .promptTooLong, .tokenOutOfRange, .exceedsCacheCapacity:
            self = .invalidRequest(error.description, param: promptParam,
                                   code: error == .emptyPrompt ? "empty_prompt" : "context_length_exceeded")
            if case .tokenOutOfRange = error { code = "invalid_token" }
        case .queueFull:
            self.init(status: .tooManyRequests, message: error.description, type: "rate_limit_error", code: "queue_full")
        case .shuttingDown:
            self.init(status: .serviceUnavailable, message: error.description, type: "server_error", code: "shutting_down")
        case .internalFailure:
            self.init(status: .internalServerError, message: error.description, type: "server_error")
        }
    }
}

extension Response {
    /// A JSON response of `value` (written as Python's `json.dumps` writes it, keys in order).
    static func json(_ value: TemplateValue, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(value.jsonString())
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}
