/// A model's trainable tensors by name, in a fixed order (the order of checkpoints, of the
/// optimizer state and of every reduction over parameters).
public struct ParameterSet {
    public struct Entry {
        public let name: String
        public let tensor: Tensor
        /// Whether AdamW's weight decay applies (matrices yes; biases, norms, embeddings of
        /// position no — nanoGPT's rule: decay tensors of 2 or more dimensions).
        public let decays: Bool
    }

    public private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// Adds `tensor` under `name` (unique); decay defaults to nanoGPT's rule.
    public mutating func add(_ name: String, _ tensor: Tensor, decays: Bool? = nil) {
        precondition(index[name] == nil, "parameter \(name) added twice")
        index[name] = entries.count
        entries.append(Entry(name: name, tensor: tensor, decays: decays ?? (tensor.shape.count >= 2)))
    }

    public subscript(name: String) -> Tensor? { index[name].map { entries[$0].tensor } }

    /// Parameters that train (requiresGrad).
    public var trainable: [Entry] { entries.filter { $0.tensor.requiresGrad } }

    /// Number of values of the trainable parameters.
    public var trainableCount: Int { trainable.reduce(0) { $0 + $1.tensor.count } }

    /// Sets every gradient to zero (start of a step; gradients accumulate over micro-batches).
    public func zeroGradients() { for e in entries { e.tensor.zeroGradient() } }
}
