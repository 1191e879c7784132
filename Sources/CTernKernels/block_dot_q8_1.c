// Q4_1 and Q5_1 weights against Q8_1 activations (AVX-512 VNNI).
//
// A weight value is d*q + m with q unsigned (0...15 or 0...31), so per block
//   sum(w * x) = d*da * sum(q*a) + m * s,   with s = da * sum(a) stored in the Q8_1 block.
// Two 32-blocks fill a 512-bit register: lanes 0-7 carry block 0, lanes 8-15 block 1, and the
// m*s term goes into lanes 0 and 8 only, so the final horizontal sum counts it once per block.
#include "CTernKernels.h"
#include "block_dot_common.h"

#if defined(TERN_VNNI)

enum { TYPE_Q4_1, TYPE_Q5_1 };

TERN_INLINE int weight_block_bytes(int type) { return type == TYPE_Q4_1 ? 20 : 24; }

/// The unsigned bytes q of blocks b0 and b1 (b1 == NULL: one block, upper half 0).
TERN_INLINE __m512i decode(int type, const uint8_t *b0, const uint8_t *b1) {
    if (type == TYPE_Q4_1) return b1 ? tern_nibbles_pair(b0 + 4, b1 + 4) : tern_nibbles_single(b0 + 4);
    // Q5_1: f16 d, f16 m, u8 qh[4] (bit j = fifth bit of value j), u8 qs[16]
    const __m512i q = b1 ? tern_nibbles_pair(b0 + 8, b1 + 8) : tern_nibbles_single(b0 + 8);
    const uint64_t high = (uint64_t)tern_ld32(b0 + 4) | (b1 ? (uint64_t)tern_ld32(b1 + 4) << 32 : 0);
    return tern_add16_where(q, high);
}

/// Accumulates blocks b and b+1 (pair) or block b alone into acc[r][c].
TERN_INLINE void step(const int type, const int R, const int C, const int pair, int b,
                      const uint8_t *w, size_t wStride, const uint8_t *a, size_t aStride, const uint8_t *prefetch,
                      __m512 acc[4][4]) {
    const int wb = weight_block_bytes(type);
    if (prefetch) tern_prefetch_span(prefetch + (size_t)b * R * wb, (size_t)2 * R * wb);
    __m512i wq[4];
    __m512 wd[4], wm[4];
    for (int r = 0; r < R; r++) {
        const uint8_t *p = w + r * wStride + (size_t)b * wb;
        wq[r] = decode(type, p, pair ? p + wb : NULL);
        wd[r] = tern_f16_pair(tern_ld16(p), pair ? tern_ld16(p + wb) : 0);
        wm[r] = tern_f16_pair_once(tern_ld16(p + 2), pair ? tern_ld16(p + wb + 2) : 0);
    }
    for (int c = 0; c < C; c++) {
        const uint8_t *q = a + c * aStride + (size_t)b * 36;
        const __m512i aq = pair ? tern_bytes_pair(q + 4, q + 40) : tern_bytes_single(q + 4);
        const __m512 ad = tern_f16_pair(tern_ld16(q), pair ? tern_ld16(q + 36) : 0);
        const __m512 as = tern_f16_pair(tern_ld16(q + 2), pair ? tern_ld16(q + 38) : 0);
        for (int r = 0; r < R; r++) {
            const __m512i sum = _mm512_dpbusd_epi32(_mm512_setzero_si512(), wq[r], aq);
            acc[r][c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum), _mm512_mul_ps(wd[r], ad), acc[r][c]);
            acc[r][c] = _mm512_fmadd_ps(wm[r], as, acc[r][c]);
        }
    }
}

TERN_INLINE void q8_1_family(const int type, const int R, const int C,
                             const uint8_t *w, size_t wStride, const uint8_t *a, size_t aStride,
                             int blocks, float *out, size_t outStride) {
    __m512 acc[4][4];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) acc[r][c] = _mm512_setzero_ps();
    const uint8_t *prefetch = tern_prefetch_start(w, wStride, (size_t)blocks * weight_block_bytes(type), R);
    int b = 0;
    for (; b + 2 <= blocks; b += 2) step(type, R, C, 1, b, w, wStride, a, aStride, prefetch, acc);
    if (b < blocks) step(type, R, C, 0, b, w, wStride, a, aStride, prefetch, acc);
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) out[c * outStride + r] = tern_hsum(acc[r][c]);
}

#define KERNEL(name, TYPE)                                                                        \
    void name(int rows, int cols, const void *w, size_t wStride, const void *a, size_t aStride,     \
              int blocks, float *out, size_t outStride) {                                           \
        const uint8_t *wp = (const uint8_t *)w, *ap = (const uint8_t *)a;                           \
        TERN_DISPATCH_4x4(rows, cols, CALL_##TYPE)                                                  \
    }
#define CALL_TYPE_Q4_1(R, C) q8_1_family(TYPE_Q4_1, R, C, wp, wStride, ap, aStride, blocks, out, outStride)
#define CALL_TYPE_Q5_1(R, C) q8_1_family(TYPE_Q5_1, R, C, wp, wStride, ap, aStride, blocks, out, outStride)

KERNEL(tern_dot_q4_1_q8_1, TYPE_Q4_1)
KERNEL(tern_dot_q5_1_q8_1, TYPE_Q5_1)

#endif
