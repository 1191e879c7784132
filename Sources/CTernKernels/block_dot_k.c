// Q4_K, Q5_K and Q6_K weights against Q8_K activations (AVX-512 VNNI).
//
// A super-block is 256 values; it is processed as four chunks of 64 values, one 512-bit
// register each. Per chunk, `vpdpbusd` (unsigned weight x signed activation bytes) leaves in
// each int32 lane the sum of 4 products, small enough for int16, and `vpdpwssd` multiplies it by
// the lane's integer sub-block scale and adds it to the super-block's int32 sum. The float
// scales (d_w * d_a, and dmin_w * d_a for the mins) are applied once per super-block.
//   Q4_K/Q5_K: sum(w*x) = d*da * sum_j sc_j * sum(q*a)  -  dmin*da * sum_j m_j * bsum_j
//   Q6_K:      sum(w*x) = d*da * (sum_j sc_j * sum(u*a) - 32 * sum_j sc_j * bsum_j),  u = q + 32
// where bsum_j is the activation's own sum over sub-block j (the Q8_K `bsums`, per 16 values).
#include "CTernKernels.h"
#include "block_dot_common.h"

#if defined(TERN_VNNI)

enum { TYPE_Q4_K, TYPE_Q5_K, TYPE_Q6_K };
enum { Q8_K_BYTES = 292 }; // f32 d, i8 qs[256], i16 bsums[16]

TERN_INLINE int weight_block_bytes(int type) { return type == TYPE_Q4_K ? 144 : type == TYPE_Q5_K ? 176 : 210; }

/// The 8 six-bit scales and 8 six-bit mins of a Q4_K/Q5_K super-block, one per byte.
TERN_INLINE void unpack_scales_mins(const uint8_t *packed, uint64_t *scales, uint64_t *mins) {
    const uint32_t u0 = tern_ld32(packed), u1 = tern_ld32(packed + 4), u2 = tern_ld32(packed + 8);
    const uint32_t scalesHigh = (u2 & 0x0f0f0f0f) | (((u0 >> 6) & 0x03030303) << 4);
    const uint32_t minsHigh = ((u2 >> 4) & 0x0f0f0f0f) | (((u1 >> 6) & 0x03030303) << 4);
    *scales = (u0 & 0x3f3f3f3f) | (uint64_t)scalesHigh << 32;
    *mins = (u1 & 0x3f3f3f3f) | (uint64_t)minsHigh << 32;
}

/// Per-row data of one super-block.
typedef struct {
    __m512i scale32;   // int32 lanes: the sub-block scales (Q4_K/Q5_K: lanes 0-7; Q6_K: 16 lanes)
    __m512i correction; // Q4_K/Q5_K: lane i = mins[i/2]; Q6_K: lane j = -32*scale_j (int16 in the low half)
    float d, dmin;
} RowBlock;

TERN_INLINE RowBlock row_block(int type, const uint8_t *p) {
    RowBlock rb;
    if (type == TYPE_Q6_K) {
        const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(p + 192)));
        rb.scale32 = _mm512_cvtepu16_epi32(sc16);
        rb.correction = _mm512_cvtepu16_epi32(_mm256_sub_epi16(_mm256_setzero_si256(), _mm256_slli_epi16(sc16, 5)));
        rb.d = _cvtsh_ss(tern_ld16(p + 208));
        rb.dmin = 0;
    } else {
        uint64_t scales, mins;
        unpack_scales_mins(p + 4, &scales, &mins);
        rb.scale32 = _mm512_cvtepu8_epi32(_mm_cvtsi64_si128((long long)scales));
        const __m128i dup = _mm_set_epi8(7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0);
        rb.correction = _mm512_cvtepu8_epi32(_mm_shuffle_epi8(_mm_cvtsi64_si128((long long)mins), dup));
        rb.d = _cvtsh_ss(tern_ld16(p));
        rb.dmin = _cvtsh_ss(tern_ld16(p + 2));
    }
    return rb;
}

/// The unsigned bytes of chunk k (values 64k ..< 64k+64) of a super-block at p.
TERN_INLINE __m512i decode_chunk(int type, const uint8_t *p, int k) {
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    if (type == TYPE_Q6_K) {
        // ql[128]: chunk 2n+0 takes the low nibbles of ql[64n ..< 64n+64], chunk 2n+1 the high
        // nibbles; qh[64]: qh[32n + l] holds bits 4-5 of values l, l+32, l+64, l+96 (two bits each).
        const int n = k >> 1;
        const __m512i ql = _mm512_loadu_si512((const void *)(p + 64 * n));
        const __m512i qh = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(p + 128 + 32 * n)));
        __m512i lowBits, highBits;
        if ((k & 1) == 0) {
            lowBits = ql;
            highBits = _mm512_sllv_epi16(qh, _mm512_set_epi64(0x0002000200020002LL, 0x0002000200020002LL,
                                                              0x0002000200020002LL, 0x0002000200020002LL,
                                                              0x0004000400040004LL, 0x0004000400040004LL,
                                                              0x0004000400040004LL, 0x0004000400040004LL));
        } else {
            lowBits = _mm512_srli_epi16(ql, 4);
            highBits = _mm512_srlv_epi16(qh, _mm512_set_epi64(0x0002000200020002LL, 0x0002000200020002LL,
                                                              0x0002000200020002LL, 0x0002000200020002LL, 0, 0, 0, 0));
        }
        highBits = _mm512_and_si512(highBits, _mm512_set1_epi8(0x30));
        return _mm512_ternarylogic_epi32(lowBits, highBits, low4, 0xEC); // (low & 0x0F) | high
    }
    // Q4_K/Q5_K: qs[32k' ..< 32k'+32] hold values 64k+l (low nibble) and 64k+32+l (high nibble).
    const int qsOffset = type == TYPE_Q4_K ? 16 : 48;
    const __m512i x = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(p + qsOffset + 32 * k)));
    const __m512i shift = _mm512_set_epi64(0x0004000400040004LL, 0x0004000400040004LL, 0x0004000400040004LL,
                                           0x0004000400040004LL, 0, 0, 0, 0);
    __m512i q = _mm512_and_si512(_mm512_srlv_epi16(x, shift), low4);
    if (type == TYPE_Q5_K) {
        // qh[32]: bit 2k of qh[l] is the fifth bit of value 64k+l, bit 2k+1 that of 64k+32+l.
        const __m512i qh = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(p + 16)));
        const __m512i bit = _mm512_inserti64x4(_mm512_set1_epi8((char)(1 << (2 * k))),
                                               _mm256_set1_epi8((char)(1 << (2 * k + 1))), 1);
        q = tern_add16_where(q, _mm512_test_epi8_mask(qh, bit));
    }
    return q;
}

/// The int32 lanes of chunk k's scales: lane i gets the scale of the sub-block it sums.
TERN_INLINE __m512i chunk_scales(int type, __m512i scale32, int k) {
    if (type == TYPE_Q6_K) { // 16-value sub-blocks: 4 lanes each
        const __m512i idx = _mm512_add_epi32(_mm512_set1_epi32(4 * k),
                                             _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0));
        return _mm512_permutexvar_epi32(idx, scale32);
    }
    const __m512i idx = _mm512_add_epi32(_mm512_set1_epi32(2 * k),
                                         _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0));
    return _mm512_permutexvar_epi32(idx, scale32); // 32-value sub-blocks: 8 lanes each
}

/// Accumulates super-block s of R weight rows against C (<= 2) activation rows into acc[r][c].
TERN_INLINE void step(const int type, const int R, const int C, int s,
                      const uint8_t *w, size_t wStride, const uint8_t *a, size_t aStride, const uint8_t *prefetch,
                      __m512 acc[4][2]) {
    const int wb = weight_block_bytes(type);
    if (prefetch) tern_prefetch_span(prefetch + (size_t)s * R * wb, (size_t)R * wb);
    RowBlock rb[4];
    for (int r = 0; r < R; r++) rb[r] = row_block(type, w + r * wStride + (size_t)s * wb);
    __m512i isum[4][2];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) isum[r][c] = _mm512_setzero_si512();
    for (int k = 0; k < 4; k++) {
        __m512i wq[4], sc[4];
        for (int r = 0; r < R; r++) {
            wq[r] = decode_chunk(type, w + r * wStride + (size_t)s * wb, k);
            sc[r] = chunk_scales(type, rb[r].scale32, k);
        }
        for (int c = 0; c < C; c++) {
            const __m512i aq = _mm512_loadu_si512((const void *)(a + c * aStride + (size_t)s * Q8_K_BYTES + 4 + 64 * k));
            for (int r = 0; r < R; r++) {
                const __m512i dot = _mm512_dpbusd_epi32(_mm512_setzero_si512(), wq[r], aq);
                isum[r][c] = _mm512_dpwssd_epi32(isum[r][c], dot, sc[r]);
            }
        }
    }
    for (int c = 0; c < C; c++) {
        const uint8_t *q = a + c * aStride + (size_t)s * Q8_K_BYTES;
        const float da = tern_ldf32(q);
        const __m512i bsums = _mm512_cvtepi16_epi32(_mm256_loadu_si256((const __m256i *)(q + 260)));
        for (int r = 0; r < R; r++) {
            if (type == TYPE_Q6_K) {
                isum[r][c] = _mm512_dpwssd_epi32(isum[r][c], bsums, rb[r].correction);
                acc[r][c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum[r][c]), _mm512_set1_ps(rb[r].d * da), acc[r][c]);
            } else {
                const __m512i mins = _mm512_madd_epi16(bsums, rb[r].correction);
                acc[r][c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum[r][c]), _mm512_set1_ps(rb[r].d * da), acc[r][c]);
                acc[r][c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(mins), _mm512_set1_ps(-rb[r].dmin * da), acc[r][c]);
            }
        }
    }
}

TERN_INLINE void k_family(const int type, const int R, const int C,
                          const uint8_t *w, size_t wStride, const uint8_t *a, size_t aStride,
                          int blocks, float *out, size_t outStride) {
    __m512 acc[4][2];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) acc[r][c] = _mm512_setzero_ps();
    const uint8_t *prefetch = tern_prefetch_start(w, wStride, (size_t)blocks * weight_block_bytes(type), R);
    for (int s = 0; s < blocks; s++) step(type, R, C, s, w, wStride, a, aStride, prefetch, acc);
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) out[c * outStride + r] = tern_hsum(acc[r][c]);
}

/// Up to 4 columns as passes of 2 (a 4x4 block of int and float accumulators needs more than
/// the 32 vector registers).
TERN_INLINE void k_family_cols(const int type, const int R, const int C,
                               const uint8_t *w, size_t wStride, const uint8_t *a, size_t aStride,
                               int blocks, float *out, size_t outStride) {
    if (C <= 2) {
        k_family(type, R, C, w, wStride, a, aStride, blocks, out, outStride);
    } else {
        k_family(type, R, 2, w, wStride, a, aStride, blocks, out, outStride);
        k_family(type, R, C - 2, w, wStride, a + 2 * aStride, aStride, blocks, out + 2 * outStride, outStride);
    }
}

#define KERNEL(name, TYPE)                                                                        \
    void name(int rows, int cols, const void *w, size_t wStride, const void *a, size_t aStride,     \
              int blocks, float *out, size_t outStride) {                                           \
        const uint8_t *wp = (const uint8_t *)w, *ap = (const uint8_t *)a;                           \
        TERN_DISPATCH_4x4(rows, cols, CALL_##TYPE)                                                  \
    }
#define CALL_TYPE_Q4_K(R, C) k_family_cols(TYPE_Q4_K, R, C, wp, wStride, ap, aStride, blocks, out, outStride)
#define CALL_TYPE_Q5_K(R, C) k_family_cols(TYPE_Q5_K, R, C, wp, wStride, ap, aStride, blocks, out, outStride)
#define CALL_TYPE_Q6_K(R, C) k_family_cols(TYPE_Q6_K, R, C, wp, wStride, ap, aStride, blocks, out, outStride)

KERNEL(tern_dot_q4_k_q8_k, TYPE_Q4_K)
KERNEL(tern_dot_q5_k_q8_k, TYPE_Q5_K)
KERNEL(tern_dot_q6_k_q8_k, TYPE_Q6_K)

#endif
