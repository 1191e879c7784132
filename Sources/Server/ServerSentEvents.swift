import HTTPTypes
import Hummingbird
import Tokenization

/// Server-sent events as OpenAI frames a stream: `data: {json}\n\n` per chunk and
/// `data: [DONE]\n\n` at the end.
enum ServerSentEvents {
    static let headers: HTTPFields = [
        .contentType: "text/event-stream",
        .cacheControl: "no-cache",
        HTTPField.Name("X-Accel-Buffering")!: "no",  // proxies must not hold chunks back
    ]

    static func data(_ value: TemplateValue) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeString("data: ")
        buffer.writeString(value.jsonString())
        buffer.writeString("\n\n")
        return buffer
    }

    static var done: ByteBuffer { ByteBuffer(string: "data: [DONE]\n\n") }
}
