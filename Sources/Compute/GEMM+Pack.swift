// Packing: copies of blocks of op(A) and op(B), from whichever layout they are stored in, into
// the micro-panel order the micro-kernel reads sequentially. Rows or columns past the edge of
// the matrix are zero-filled, so edge tiles run the same kernel on padded panels.

extension GEMM {
    /// Packs rows i0 ..< i0+rows and columns k0 ..< k0+kc of op(A) into micro-panels of `mr`
    /// rows: panel q holds rows i0+12q …, laid out (kc, 12), at ap + q·kc·12.
    static func packA(_ op: Operands, i0: Int, rows: Int, k0: Int, kc: Int, into ap: UnsafeMutablePointer<Float>) {
        if op.transposeA {
            packContiguous(op.a + k0 * op.lda + i0, stride: op.lda, count: rows, width: mr, kc: kc, into: ap)
            return
        }
        var q = 0
        while q * mr < rows {
            packPanelStrided(op.a + (i0 + q * mr) * op.lda + k0, stride: op.lda, valid: min(mr, rows - q * mr),
                             width: mr, kc: kc, into: ap + q * kc * mr)
            q += 1
        }
    }

    /// Packs rows k0 ..< k0+kc and columns j0 ..< j0+cols of op(B) into micro-panels of `nr`
    /// columns: panel q holds columns j0+32q …, laid out (kc, 32), at bp + q·kc·32.
    static func packB(_ op: Operands, k0: Int, kc: Int, j0: Int, cols: Int, into bp: UnsafeMutablePointer<Float>) {
        if !op.transposeB {
            packContiguous(op.b + k0 * op.ldb + j0, stride: op.ldb, count: cols, width: nr, kc: kc, into: bp)
            return
        }
        var q = 0
        while q * nr < cols {
            packPanelStrided(op.b + (j0 + q * nr) * op.ldb + k0, stride: op.ldb, valid: min(nr, cols - q * nr),
                             width: nr, kc: kc, into: bp + q * kc * nr)
            q += 1
        }
    }

    /// Panels of `width` (`mr` or `nr`) values per k from a source whose `count` values per k are
    /// contiguous (A transposed, B normal): panel q at + q·kc·width, panel q[k·width + j] =
    /// src[k·stride + q·width + j], 0 past count. One source row at a time, across all panels,
    /// so that each row is read once, in order, however large the stride (which may map every
    /// row to the same cache set).
    @inline(__always)
    static func packContiguous(_ src: UnsafePointer<Float>, stride: Int, count: Int, width: Int, kc: Int,
                               into panels: UnsafeMutablePointer<Float>) {
        let full = count / width, rest = count - full * width
        for k in 0..<kc {
            let s = UnsafeRawPointer(src + k * stride)
            var d = UnsafeMutableRawPointer(panels + k * width)
            let panelBytes = kc * width * 4
            for q in 0..<full {
                let o = q * width * 4
                if width == nr {
                    d.storeBytes(of: s.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                    d.storeBytes(of: s.loadUnaligned(fromByteOffset: o + 64, as: SIMD16<Float>.self), toByteOffset: 64,
                                 as: SIMD16<Float>.self)
                } else {
                    d.storeBytes(of: s.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                    d.storeBytes(of: s.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Float>.self), toByteOffset: 32,
                                 as: SIMD4<Float>.self)
                }
                d += panelBytes
            }
            if rest > 0 {
                let values = src + k * stride + full * width, p = d.assumingMemoryBound(to: Float.self)
                for j in 0..<rest { p[j] = values[j] }
                for j in rest..<width { p[j] = 0 }
            }
        }
    }

    /// A panel whose values per k are `stride` apart in the source (each of its `width` rows or
    /// columns is a contiguous run over k): panel[k·width + j] = src[j·stride + k], 0 for j ≥ valid.
    /// Blocks of 16 k × 16 rows go through a register transpose; width is `mr` or `nr`.
    @inline(__always)
    static func packPanelStrided(_ src: UnsafePointer<Float>, stride: Int, valid: Int, width: Int, kc: Int,
                                 into panel: UnsafeMutablePointer<Float>) {
        var k = 0
        while k + 16 <= kc {
            var j0 = 0
            while j0 < width {
                @inline(__always) func row(_ r: Int) -> SIMD16<Float> {
                    j0 + r < valid ? UnsafeRawPointer(src + (j0 + r) * stride + k).loadUnaligned(as: SIMD16<Float>.self) : SIMD16()
                }
                let t = transpose((row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7),
                                   row(8), row(9), row(10), row(11), row(12), row(13), row(14), row(15)))
                // Column c of the block: values j0 ..< j0+16 at k + c (of which the first 12 when width is mr).
                let d = panel + k * width + j0
                @inline(__always) func put(_ v: SIMD16<Float>, _ c: Int) {
                    let p = UnsafeMutableRawPointer(d + c * width)
                    if width == mr {
                        p.storeBytes(of: v.lowHalf, as: SIMD8<Float>.self)
                        p.storeBytes(of: v.highHalf.lowHalf, toByteOffset: 32, as: SIMD4<Float>.self)
                    } else {
                        p.storeBytes(of: v, as: SIMD16<Float>.self)
                    }
                }
                put(t.0, 0); put(t.1, 1); put(t.2, 2); put(t.3, 3); put(t.4, 4); put(t.5, 5); put(t.6, 6); put(t.7, 7)
                put(t.8, 8); put(t.9, 9); put(t.10, 10); put(t.11, 11); put(t.12, 12); put(t.13, 13); put(t.14, 14); put(t.15, 15)
                j0 += 16
            }
            k += 16
        }
        // The last kc % 16 values of k.
        for j in 0..<width {
            let s = src + j * stride
            for kk in k..<kc { panel[kk * width + j] = j < valid ? s[kk] : 0 }
        }
    }
}

// A 16×16 f32 transpose in registers, for the strided panels above. (In this file so that
// debug builds, which compile file by file, inline it too.)
//
// Four rounds of "unzip": pairs of vectors (x, y) become (even lanes of x‖y, odd lanes of x‖y),
// the evens first. Element (row r, lane c) sits at index r·16 + c; a round rotates the 8 bits
// of that index right by one, so after four the element of (r, c) sits at (c, r). Each unzip
// is one two-source permute (`vpermt2ps`): 64 for 256 values, against 256 scalar moves.

extension GEMM {
    /// Sixteen rows of 16 values.
    typealias Rows16 = (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>,
                        SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>,
                        SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>,
                        SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)

    /// The transpose of v: lane r of result c is lane c of v.r.
    @inline(__always)
    static func transpose(_ v: Rows16) -> Rows16 {
        unzipRound(unzipRound(unzipRound(unzipRound(v))))
    }

    @inline(__always)
    static func unzipRound(_ v: Rows16) -> Rows16 {
        let (e0, o0) = unzip(v.0, v.1), (e1, o1) = unzip(v.2, v.3)
        let (e2, o2) = unzip(v.4, v.5), (e3, o3) = unzip(v.6, v.7)
        let (e4, o4) = unzip(v.8, v.9), (e5, o5) = unzip(v.10, v.11)
        let (e6, o6) = unzip(v.12, v.13), (e7, o7) = unzip(v.14, v.15)
        return (e0, e1, e2, e3, e4, e5, e6, e7, o0, o1, o2, o3, o4, o5, o6, o7)
    }

    /// (even lanes of x‖y, odd lanes of x‖y).
    @inline(__always)
    static func unzip(_ x: SIMD16<Float>, _ y: SIMD16<Float>) -> (SIMD16<Float>, SIMD16<Float>) {
        let xy = SIMD32<Float>(lowHalf: x, highHalf: y)
        return (xy.evenHalf, xy.oddHalf)
    }
}
