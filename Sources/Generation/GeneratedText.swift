import Tokenization

/// The text side of a generation, shared by `Generator` and `Engine`: detokenizes tokens as they
/// come (never splitting a UTF-8 character), holds back what may be the start of a stop string,
/// and reports when a stop string is complete. `text` is everything released so far.
struct GeneratedText {
    private var detokenizer: StreamingDetokenizer
    private var stops: StopSequences
    private(set) var text = ""

    init(tokenizer: Tokenizer, stop: [String]) {
        detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        stops = StopSequences(stop)
    }

    /// The text `token` releases, and whether it completed a stop string (the stop string and
    /// anything after it are never released).
    mutating func push(_ token: Int) -> (piece: String, stopped: Bool) {
        let (piece, stopped) = stops.push(detokenizer.push(token))
        text += piece
        return (piece, stopped)
    }

    /// The text still held back when generation ends without a stop string (an end-of-generation
    /// token, the token limit): incomplete UTF-8 and a possible stop-string start.
    mutating func finish() -> String {
        let tail = stops.push(detokenizer.flush()).emit + stops.flush()
        text += tail
        return tail
    }
}
