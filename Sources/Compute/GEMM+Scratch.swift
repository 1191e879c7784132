#if canImport(Glibc)
import Glibc
#endif

// Packing buffers, one set per thread and kept for the thread's life, so that a multiply
// allocates nothing once a thread has seen its largest shape, and concurrent multiplies on
// different threads (pool chunks that each call `multiply(pool: nil)`) never share a buffer.

extension GEMM {
    /// The packing buffers of the calling thread.
    final class Scratch {
        /// A block of op(A): `mcMax × kcMax` floats, micro-panels of `mr` rows.
        let a: UnsafeMutablePointer<Float>
        /// One 12×32 tile, for partial tiles at the edges of C.
        let tile: UnsafeMutablePointer<Float>
        /// The packed slab of op(B) of a multiply that this thread drives; grows on demand.
        private var b: UnsafeMutablePointer<Float>
        private var bCapacity: Int

        private init() {
            a = Self.allocate(mcMax * kcMax)
            tile = Self.allocate(mr * nr)
            bCapacity = nr * kcMax
            b = Self.allocate(bCapacity)
        }

        deinit {
            a.deallocate(); tile.deallocate(); b.deallocate()
        }

        /// A buffer for at least `count` floats of packed B (contents not kept across growth).
        func packedB(count: Int) -> UnsafeMutablePointer<Float> {
            if count > bCapacity {
                b.deallocate()
                bCapacity = count
                b = Self.allocate(count)
            }
            return b
        }

        /// 64-byte aligned (one cache line, one zmm register) and zeroed.
        private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
            let raw = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
            let p = raw.bindMemory(to: Float.self, capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }

        /// The calling thread's buffers, made on its first multiply and freed when it exits.
        static var current: Scratch {
            if let p = pthread_getspecific(key) {
                return Unmanaged<Scratch>.fromOpaque(p).takeUnretainedValue()
            }
            let scratch = Scratch()
            pthread_setspecific(key, Unmanaged.passRetained(scratch).toOpaque())
            return scratch
        }

        private static let key: pthread_key_t = {
            var key = pthread_key_t()
            let rc = pthread_key_create(&key) { p in
                if let p { Unmanaged<Scratch>.fromOpaque(p).release() }
            }
            precondition(rc == 0, "pthread_key_create failed: \(rc)")
            return key
        }()
    }
}
