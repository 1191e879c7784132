import Autodiff

/// A low-rank adapter (LoRA, Hu et al. 2021) on one projection W (out × in):
/// y = x·Wᵀ + (alpha / r) · dropout(x)·Aᵀ·Bᵀ with A: (r, in), B: (out, r). PEFT's initialisation:
/// A uniform in ±1/√in (kaiming-uniform with a = √5), B zero, so training starts at the base model.
public struct LoRAAdapter {
    public let a: Tensor
    public let b: Tensor
    public let rank: Int
    public let alpha: Float
    public let dropout: Float
    /// alpha / rank.
    public var scale: Float { alpha / Float(rank) }

    public init(a: Tensor, b: Tensor, alpha: Float, dropout: Float) {
        precondition(a.shape.count == 2 && b.shape.count == 2 && a.shape[0] == b.shape[1], "LoRA: A \(a.shape), B \(b.shape)")
        self.a = a; self.b = b; self.rank = a.shape[0]; self.alpha = alpha; self.dropout = dropout
    }

    /// A fresh adapter for a (out × in) weight.
    public init(out: Int, in inputs: Int, rank: Int, alpha: Float, dropout: Float, rng: inout SeededGenerator) {
        let a = Tensor(zeros: [rank, inputs], requiresGrad: true)
        let bound = 1 / Float(inputs).squareRoot()
        for i in 0..<a.count { a.value[i] = Float(rng.nextUnit() * 2 - 1) * bound }
        self.init(a: a, b: Tensor(zeros: [out, rank], requiresGrad: true), alpha: alpha, dropout: dropout)
    }
}

extension String {
    /// FNV-1a of the UTF-8 bytes: a hash that is the same in every process (Swift's `hashValue`
    /// is seeded per process), for per-weight dropout seeds.
    var hashValueStable: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
