import Architectures
import Autodiff

/// One plain optimizer step on one batch (what `TrainingRun` does without data, metrics or
/// checkpoints): zero gradients, forward, backward, clip, AdamW. Returns the loss.
@discardableResult
public func optimizerStep(_ graph: DecoderGraph, tape: Tape, optimizer: AdamW, tokens: [Int32], targets: [Int32],
                          batch: Int, lr: Float, clip: Float? = 1) -> Float {
    graph.parameters.zeroGradients()
    let loss = graph.loss(tape, tokens: tokens, targets: targets, batch: batch)
    let value = loss.values[0]
    tape.backward(from: loss)
    tape.reset()
    if let clip { GradientClipping.clip(graph.parameters, maxNorm: clip) }
    optimizer.update(lr: lr, pool: tape.pool)
    return value
}
