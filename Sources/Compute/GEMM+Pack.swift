// Packing: copies of blocks of op(A) and op(B), from whichever layout they are stored in, into
// the micro-panel order the micro-kernel reads sequentially. Rows or columns past the edge of
// the matrix are zero-filled, so edge tiles run the same kernel on padded panels.

extension GEMM {
    /// Packs rows i0 ..< i0+rows and columns k0 ..< k0+kc of op(A) into micro-panels of `mr`
    /// rows: panel q holds rows i0+12q …, laid out (kc, 12), at ap + q·kc·12.
    static func packA(_ op: Operands, i0: Int, rows: Int, k0: Int, kc: Int, into ap: UnsafeMutablePointer<Float>) {
        var q = 0
        while q * mr < rows {
            let r0 = i0 + q * mr, valid = min(mr, rows - q * mr)
            let panel = ap + q * kc * mr
            if op.transposeA {
                packPanelContiguous(op.a + k0 * op.lda + r0, stride: op.lda, valid: valid, width: mr, kc: kc, into: panel)
            } else {
                packPanelStrided(op.a + r0 * op.lda + k0, stride: op.lda, valid: valid, width: mr, kc: kc, into: panel)
            }
            q += 1
        }
    }

    /// Packs rows k0 ..< k0+kc and columns j0 ..< j0+cols of op(B) into micro-panels of `nr`
    /// columns: panel q holds columns j0+32q …, laid out (kc, 32), at bp + q·kc·32.
    static func packB(_ op: Operands, k0: Int, kc: Int, j0: Int, cols: Int, into bp: UnsafeMutablePointer<Float>) {
        var q = 0
        while q * nr < cols {
            let c0 = j0 + q * nr, valid = min(nr, cols - q * nr)
            let panel = bp + q * kc * nr
            if op.transposeB {
                packPanelStrided(op.b + c0 * op.ldb + k0, stride: op.ldb, valid: valid, width: nr, kc: kc, into: panel)
            } else {
                packPanelContiguous(op.b + k0 * op.ldb + c0, stride: op.ldb, valid: valid, width: nr, kc: kc, into: panel)
            }
            q += 1
        }
    }

    /// A panel whose `width` values per k are contiguous in the source:
    /// panel[k·width + j] = src[k·stride + j] for j < valid, 0 beyond.
    @inline(__always)
    static func packPanelContiguous(_ src: UnsafePointer<Float>, stride: Int, valid: Int, width: Int, kc: Int,
                                    into panel: UnsafeMutablePointer<Float>) {
        if valid == width && width == nr {
            for k in 0..<kc {
                let s = src + k * stride, d = panel + k * nr
                UnsafeMutableRawPointer(d).storeBytes(of: UnsafeRawPointer(s).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(d + 16).storeBytes(of: UnsafeRawPointer(s + 16).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
            }
        } else if valid == width && width == mr {
            for k in 0..<kc {
                let s = UnsafeRawPointer(src + k * stride), d = UnsafeMutableRawPointer(panel + k * mr)
                d.storeBytes(of: s.loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                d.storeBytes(of: s.loadUnaligned(fromByteOffset: 32, as: SIMD4<Float>.self), toByteOffset: 32,
                             as: SIMD4<Float>.self)
            }
        } else {
            for k in 0..<kc {
                let s = src + k * stride, d = panel + k * width
                for j in 0..<valid { d[j] = s[j] }
                for j in valid..<width { d[j] = 0 }
            }
        }
    }

    /// A panel whose values per k are `stride` apart in the source (each of its `width` rows or
    /// columns is a contiguous run over k): panel[k·width + j] = src[j·stride + k], 0 for j ≥ valid.
    @inline(__always)
    static func packPanelStrided(_ src: UnsafePointer<Float>, stride: Int, valid: Int, width: Int, kc: Int,
                                 into panel: UnsafeMutablePointer<Float>) {
        for j in 0..<valid {
            let s = src + j * stride
            var d = panel + j
            for k in 0..<kc {
                d.pointee = s[k]
                d += width
            }
        }
        if valid < width {
            for k in 0..<kc {
                for j in valid..<width { panel[k * width + j] = 0 }
            }
        }
    }
}
