// Q4_0, Q5_0 and Q8_0 weights against Q8_0 activations (AVX-512 VNNI).
//
// Two 32-blocks at a time fill a 512-bit register. Weights are decoded to unsigned bytes
// u = q + offset (offset 8, 16, 128 for Q4_0, Q5_0, Q8_0), so that `vpdpbusd` (unsigned x signed)
// applies, and the offset is taken back per block: sum(q*a) = sum(u*a) - offset*sum(a). The
// correction depends only on the activation block and is shared by the rows of the micro-kernel.
// The int32 lanes 0-7 hold block 0's partial sums and lanes 8-15 block 1's, so each block's
// scale d_w*d_a is applied per lane, and one horizontal sum per output ends the row.
#include "CTernKernels.h"
#include "block_dot_common.h"

#if defined(TERN_VNNI)

enum { TYPE_Q4_0, TYPE_Q5_0, TYPE_Q8_0 };

TERN_INLINE int weight_block_bytes(int type) { return type == TYPE_Q4_0 ? 18 : type == TYPE_Q5_0 ? 22 : 34; }
TERN_INLINE int weight_offset(int type) { return type == TYPE_Q4_0 ? 8 : type == TYPE_Q5_0 ? 16 : 128; }

/// The unsigned bytes q + offset of blocks b0 and b1 (b1 == NULL: one block, upper half 0).
TERN_INLINE __m512i decode(int type, const uint8_t *b0, const uint8_t *b1) {
    switch (type) {
    case TYPE_Q8_0: {
        const __m512i q = b1 ? tern_bytes_pair(b0 + 2, b1 + 2) : tern_bytes_single(b0 + 2);
        return _mm512_xor_si512(q, _mm512_set1_epi8((char)0x80));
    }
    case TYPE_Q4_0:
        return b1 ? tern_nibbles_pair(b0 + 2, b1 + 2) : tern_nibbles_single(b0 + 2);
    default: { // Q5_0: f16 d, u8 qh[4] (bit j = fifth bit of value j), u8 qs[16]
        const __m512i q = b1 ? tern_nibbles_pair(b0 + 6, b1 + 6) : tern_nibbles_single(b0 + 6);
        const uint64_t high = (uint64_t)tern_ld32(b0 + 2) | (b1 ? (uint64_t)tern_ld32(b1 + 2) << 32 : 0);
        return tern_add16_where(q, high);
    }
    }
}

/// Accumulates blocks b and b+1 (pair) or block b alone into acc[r][c].
TERN_INLINE void step(const int type, const int R, const int C, const int pair, int b,
                      const uint8_t *w, size_t wStride, const uint8_t *a, size_t aStride, const uint8_t *prefetch,
                      __m512 acc[4][4]) {
    const int wb = weight_block_bytes(type);
    if (prefetch) tern_prefetch_span(prefetch + (size_t)b * R * wb, (size_t)2 * R * wb);
    const __m512i offset = _mm512_set1_epi8((char)weight_offset(type));
    const __m512i zero = _mm512_setzero_si512();
    __m512i wq[4];
    __m512 wd[4];
    for (int r = 0; r < R; r++) {
        const uint8_t *p = w + r * wStride + (size_t)b * wb;
        wq[r] = decode(type, p, pair ? p + wb : NULL);
        wd[r] = tern_f16_pair(tern_ld16(p), pair ? tern_ld16(p + wb) : 0);
    }
    for (int c = 0; c < C; c++) {
        const uint8_t *q = a + c * aStride + (size_t)b * 34;
        const __m512i aq = pair ? tern_bytes_pair(q + 2, q + 36) : tern_bytes_single(q + 2);
        const __m512 ad = tern_f16_pair(tern_ld16(q), pair ? tern_ld16(q + 34) : 0);
        const __m512i minusCorrection = _mm512_sub_epi32(zero, _mm512_dpbusd_epi32(zero, offset, aq));
        for (int r = 0; r < R; r++) {
            const __m512i sum = _mm512_dpbusd_epi32(minusCorrection, wq[r], aq);
            acc[r][c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum), _mm512_mul_ps(wd[r], ad), acc[r][c]);
        }
    }
}

TERN_INLINE void q8_0_family(const int type, const int R, const int C,
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
#define CALL_TYPE_Q4_0(R, C) q8_0_family(TYPE_Q4_0, R, C, wp, wStride, ap, aStride, blocks, out, outStride)
#define CALL_TYPE_Q5_0(R, C) q8_0_family(TYPE_Q5_0, R, C, wp, wStride, ap, aStride, blocks, out, outStride)
#define CALL_TYPE_Q8_0(R, C) q8_0_family(TYPE_Q8_0, R, C, wp, wStride, ap, aStride, blocks, out, outStride)

KERNEL(tern_dot_q4_0_q8_0, TYPE_Q4_0)
KERNEL(tern_dot_q5_0_q8_0, TYPE_Q5_0)
KERNEL(tern_dot_q8_0_q8_0, TYPE_Q8_0)

#endif
