import Foundation
import Logging
import ServiceLifecycle

/// Loads the model while the server already listens, serves it from the slot, and on graceful
/// shutdown (after the HTTP server has drained) shuts the engine down.
struct ModelService: Service {
    let slot: ModelSlot
    let load: @Sendable () throws -> ServedModel
    let logger: Logger

    func run() async throws {
        let model: ServedModel
        do {
            // Loading maps files and reads tensors for seconds: on a thread of its own, not on
            // Dispatch's global queues, whose few threads Swift's cooperative pool (and so every
            // HTTP handler, /health included) runs on.
            model = try await withCheckedThrowingContinuation { continuation in
                Thread { continuation.resume(with: Result { try load() }) }.start()
            }
        } catch {
            slot.set(.failed("\(error)"))
            throw error
        }
        slot.set(.ready(model))
        logger.info("model \(model.id) ready (context \(model.contextSize))")
        do {
            try await gracefulShutdown()
            await model.engine.shutdown(graceful: true)
        } catch {
            await model.engine.shutdown(graceful: false)  // cancelled: end what still runs
        }
    }
}
