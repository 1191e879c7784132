import Synchronization

/// Where the served model is: the server listens (and answers `/health` with 503) while the
/// model loads, then serves it.
public final class ModelSlot: Sendable {
    public enum State: Sendable {
        case loading
        case ready(ServedModel)
        /// Loading failed; the message says why.
        case failed(String)
    }

    private let state = Mutex<State>(.loading)

    /// A slot whose model is loading.
    public init() {}

    /// A slot that already holds `model`.
    public convenience init(_ model: ServedModel) {
        self.init()
        set(.ready(model))
    }

    /// Where the model is now.
    public var current: State { state.withLock { $0 } }

    /// Moves the slot on (loaded, or failed).
    public func set(_ newState: State) { state.withLock { $0 = newState } }

    /// The model, or 503 while it loads (or failed to).
    func model() throws(APIError) -> ServedModel {
        switch current {
        case .ready(let model): return model
        case .loading: throw .modelLoading
        case .failed(let message):
            throw APIError(status: .serviceUnavailable, message: "The model failed to load: \(message)", type: "server_error", code: "model_failed")
        }
    }
}
