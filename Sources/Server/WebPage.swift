/// The page served at `/`.
enum WebPage {
    /// Until the chat page lands: what the server is and where its API lives.
    static let placeholder = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Tern</title></head>
        <body><h1>Tern</h1><p>OpenAI-compatible API at <code>/v1/chat/completions</code>, <code>/v1/completions</code>,
        <code>/v1/models</code>; <code>/health</code>, <code>/metrics</code>.</p></body></html>
        """
}
