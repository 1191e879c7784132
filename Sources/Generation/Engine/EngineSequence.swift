import Foundation
import Tokenization

/// A request inside the engine: its tokens so far, its KV pages and its decoding state. Owned
/// by the scheduler thread.
final class EngineSequence {
    let id: Int
    let request: EngineRequest
    let continuation: AsyncThrowingStream<EngineEvent, Error>.Continuation
    /// Monotonic seconds at `submit`.
    let submitted: Double
    let promptCount: Int
    /// Prompt followed by the generated tokens.
    var tokens: [Int]
    /// Positions whose keys and values are in `pages`.
    var computed = 0
    var pages: [Int32] = []
    /// Chain hashes of the leading full pages that are registered in the prefix cache.
    var hashes: [UInt64] = []
    /// Prompt positions taken from the prefix cache at first admission.
    var cachedPromptTokens = 0
    var admittedOnce = false
    var sampler: Sampler
    var output: GeneratedText
    var constraint: (any TokenConstraint)?
    var generated: [Int] = []
    var firstTokenTime: Double?
    /// Filled as prompt chunks are computed when the request wants prompt log-probabilities.
    var promptLogprobs: [TokenLogprob?]
    var promptLogprobsSent = false

    init(id: Int, request: EngineRequest, tokenizer: Tokenizer,
         continuation: AsyncThrowingStream<EngineEvent, Error>.Continuation, submitted: Double) {
        self.id = id
        self.request = request
        self.continuation = continuation
        self.submitted = submitted
        promptCount = request.prompt.count
        tokens = request.prompt
        sampler = Sampler(request.sampling)
        output = GeneratedText(tokenizer: tokenizer, stop: request.stop)
        constraint = request.constraint
        promptLogprobs = request.promptLogprobs == nil ? [] : Array(repeating: nil, count: request.prompt.count)
    }

    /// Tokens not yet run through the model (1 while decoding).
    var pending: Int { tokens.count - computed }
    /// Whether prompt rows still need their log-probabilities.
    var wantsPromptRows: Bool { request.promptLogprobs != nil && computed < promptCount - 1 }
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
