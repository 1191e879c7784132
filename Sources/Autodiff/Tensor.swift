import Compute

/// A dense row-major f32 tensor: its value and, when it takes part in a gradient, dLoss/dValue.
///
/// Parameters own their buffers for the whole run; activations made by a `Tape` borrow theirs
/// from the tape's arena and stay valid until the tape's next `reset()`.
public final class Tensor: @unchecked Sendable {
    public let shape: [Int]
    /// Product of `shape`.
    public let count: Int
    public let value: FloatBuffer
    /// True for trainable parameters and for everything computed from one: backward reaches it.
    /// Set false to freeze a parameter (LoRA's base weights).
    public var requiresGrad: Bool
    /// dLoss/dValue, same shape; nil until backward (or `gradient()`) makes it.
    public private(set) var gradient: FloatBuffer?
    /// Where a zeroed gradient buffer comes from (an arena for activations, the heap for parameters).
    private let makeGradient: (Int) -> FloatBuffer

    /// A tensor over `value` (which must hold at least the shape's product).
    init(shape: [Int], value: FloatBuffer, requiresGrad: Bool, makeGradient: @escaping (Int) -> FloatBuffer) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        precondition(value.count >= count, "buffer of \(value.count) floats for shape \(shape)")
        self.value = value
        self.requiresGrad = requiresGrad
        self.makeGradient = makeGradient
    }

    /// A heap tensor of zeros (parameters pass `requiresGrad: true`).
    public convenience init(zeros shape: [Int], requiresGrad: Bool = false) {
        self.init(shape: shape, value: FloatBuffer(count: shape.reduce(1, *)), requiresGrad: requiresGrad,
                  makeGradient: { FloatBuffer(count: $0) })
    }

    /// A heap tensor holding `values` (row-major, count = product of `shape`).
    public convenience init(shape: [Int], values: [Float], requiresGrad: Bool = false) {
        precondition(values.count == shape.reduce(1, *), "\(values.count) values for shape \(shape)")
        self.init(zeros: shape, requiresGrad: requiresGrad)
        values.withUnsafeBufferPointer { value.pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    /// Rows of a 2-D view: the product of every dimension but the last.
    public var rows: Int { count / max(1, shape.last ?? 1) }
    /// The last dimension.
    public var width: Int { shape.last ?? 1 }

    /// The value as an array (tests, logging).
    public var values: [Float] { Array(UnsafeBufferPointer(start: value.pointer, count: count)) }

    /// The gradient buffer, made zeroed on first use.
    @discardableResult
    public func gradientBuffer() -> FloatBuffer {
        if let g = gradient { return g }
        let g = makeGradient(count)
        gradient = g
        return g
    }

    /// Pointer to the gradient (made zeroed on first use).
    public var grad: UnsafeMutablePointer<Float> { gradientBuffer().pointer }

    /// The gradient as an array (zeros when backward never reached this tensor).
    public var gradients: [Float] {
        guard let g = gradient else { return [Float](repeating: 0, count: count) }
        return Array(UnsafeBufferPointer(start: g.pointer, count: count))
    }

    /// Sets the gradient to zero (keeps the buffer).
    public func zeroGradient() {
        gradient?.pointer.update(repeating: 0, count: count)
    }

    /// Drops the gradient buffer (an activation's, when its tape resets).
    func dropGradient() { gradient = nil }
}
