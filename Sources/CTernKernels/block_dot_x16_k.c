// Q4_K and Q6_K weights repacked 16 rows at a time ("x16", Compute/PackedMatrix.swift) against
// Q8_K activations (AVX-512 VNNI). As in block_dot_x16.c, lane r of every register is row r of
// the group: one `vpdpbusd` adds a 4-value group of the activation (broadcast) to all 16 rows.
// Per super-block the integer work is exact —
//   Q4_K: IS = sum_j sc_j * sum_{i in j} q_i a_i,  IM = sum_j m_j * bsum_j   (8 sub-blocks of 32)
//   Q6_K: IS = sum_j sc_j * sum_{i in j} (q_i - 32) a_i                     (16 sub-blocks of 16)
// — and one f32 accumulator per row takes, per super-block, acc -= float(IM) * (dmin * d_a) (Q4_K)
// then acc += float(IS) * (d * d_a), each one fused rounding: exactly the float steps of the
// file-layout kernels (block_dot_k.c), so packed and unpacked products are bit-identical, and
// independent of how rows or columns are grouped.
//
// Prefetching: each load is preceded by a prefetch of the line TERN_PREFETCH_BYTES further on,
// spread through the loop. One burst of a whole super-block's prefetches (37-53 lines) at its
// start filled the miss queues ahead of the demand loads: with two threads streaming from DRAM the
// matrix-vector products ran 17-32% slower than the file-layout kernels; spread, 5-10% faster.
//
// Super-block layout per 16-row group (`blocks` consecutive, `groupStride` bytes between groups):
//   Q4_K (2368 bytes): f16 d[16] | f16 dmin[16] | u8 sc[8][16] | u8 mins[4][16][2] (m_2t, m_2t+1)
//                      | qs[32][16][4]: group p = 8c + t holds values 64c+4t+i (low nibble) and
//                        64c+32+4t+i (high nibble), i < 4
//   Q6_K (3360 bytes): f16 d[16], then for each quarter q = 2n + tq (n: half of 128 values, tq: which
//                      4 of its 8 four-value groups t = 4tq + u) 832 bytes, in the order the kernel
//                      reads them (one linear stream): i8 sc[4][16] (sub-blocks 8n + 2s + tq), then
//                      for u in 0..<4: ql_a[16][4] | ql_b[16][4] | qh[16][4], where ql_a holds the
//                      low 4 bits of values 128n+4t+i (low nibble) and 128n+64+4t+i (high nibble),
//                      ql_b those of 128n+32+4t+i and 128n+96+4t+i, and qh bits 4-5 of values
//                      128n+32s+4t+i at bits 2s
#include "CTernKernels.h"
#include "block_dot_common.h"

#if defined(TERN_VNNI)

enum { Q4_K_X16_BYTES = 2368, Q6_K_X16_BYTES = 3360, Q8_K_BYTES = 292 };

TERN_INLINE __m512 f16x16(const uint8_t *p) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p)); }

TERN_INLINE __m512i bcast32(const uint8_t *p) { return _mm512_set1_epi32((int)tern_ld32(p)); }


TERN_INLINE void q4_k_x16(const int C, int groups, const uint8_t *w, size_t groupStride, const uint8_t *a,
                          size_t aStride, int blocks, float *out, size_t outStride, int lastRows) {
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    for (int g = 0; g < groups; g++) {
        const uint8_t *group = w + (size_t)g * groupStride;
        __m512 acc[4];
        for (int c = 0; c < C; c++) acc[c] = _mm512_setzero_ps();
        for (int b = 0; b < blocks; b++) {
            const uint8_t *blk = group + (size_t)b * Q4_K_X16_BYTES;
            tern_prefetch_span(blk + TERN_PREFETCH_BYTES, 320);
            __m512i is[4];
            for (int c = 0; c < C; c++) is[c] = _mm512_setzero_si512();
            for (int ch = 0; ch < 4; ch++) {
                __m512i lo[8], hi[8];
                for (int t = 0; t < 8; t++) {
                    _mm_prefetch((const char *)blk + TERN_PREFETCH_BYTES + 320 + 64 * (8 * ch + t), _MM_HINT_T0);
                    const __m512i x = _mm512_loadu_si512(blk + 320 + 64 * (8 * ch + t));
                    lo[t] = _mm512_and_si512(x, low4);
                    hi[t] = _mm512_and_si512(_mm512_srli_epi16(x, 4), low4);
                }
                const __m512i scLo = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(blk + 64 + 16 * (2 * ch))));
                const __m512i scHi = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(blk + 64 + 16 * (2 * ch + 1))));
                for (int c = 0; c < C; c++) {
                    const uint8_t *qa = a + (size_t)c * aStride + (size_t)b * Q8_K_BYTES + 4 + 64 * ch;
                    // Two chains per half (even and odd t): with one column, a single chain of 8
                    // dependent vpdpbusd would bound the matrix-vector product by latency.
                    __m512i sLo[2], sHi[2];
                    for (int e = 0; e < 2; e++) sLo[e] = sHi[e] = _mm512_setzero_si512();
                    for (int t = 0; t < 8; t++) {
                        sLo[t & 1] = _mm512_dpbusd_epi32(sLo[t & 1], lo[t], bcast32(qa + 4 * t));
                        sHi[t & 1] = _mm512_dpbusd_epi32(sHi[t & 1], hi[t], bcast32(qa + 32 + 4 * t));
                    }
                    const __m512i low = _mm512_add_epi32(sLo[0], sLo[1]), high = _mm512_add_epi32(sHi[0], sHi[1]);
                    is[c] = _mm512_add_epi32(is[c], _mm512_add_epi32(_mm512_mullo_epi32(low, scLo),
                                                                     _mm512_mullo_epi32(high, scHi)));
                }
            }
            __m512i m[4];
            for (int t = 0; t < 4; t++)
                m[t] = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(blk + 192 + 32 * t)));
            const __m512 d = f16x16(blk), dmin = f16x16(blk + 32);
            for (int c = 0; c < C; c++) {
                const uint8_t *ab = a + (size_t)c * aStride + (size_t)b * Q8_K_BYTES;
                int16_t bs[16];
                memcpy(bs, ab + 260, 32);
                __m512i im = _mm512_setzero_si512();
                for (int t = 0; t < 4; t++) {
                    const uint32_t pair = (uint32_t)(uint16_t)(int16_t)(bs[4 * t] + bs[4 * t + 1]) |
                                          (uint32_t)(uint16_t)(int16_t)(bs[4 * t + 2] + bs[4 * t + 3]) << 16;
                    im = _mm512_dpwssd_epi32(im, m[t], _mm512_set1_epi32((int)pair));
                }
                const __m512 da = _mm512_set1_ps(tern_ldf32(ab));
                acc[c] = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(im), _mm512_mul_ps(dmin, da), acc[c]);
                acc[c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(is[c]), _mm512_mul_ps(d, da), acc[c]);
            }
        }
        const __mmask16 mask = tern_group_rows(g, groups, lastRows);
        for (int c = 0; c < C; c++)
            _mm512_mask_storeu_ps(out + (size_t)c * outStride + 16 * (size_t)g, mask, acc[c]);
    }
}

TERN_INLINE void q6_k_x16(const int C, int groups, const uint8_t *w, size_t groupStride, const uint8_t *a,
                          size_t aStride, int blocks, float *out, size_t outStride, int lastRows) {
    const __m512i low4 = _mm512_set1_epi8(0x0F), bits45 = _mm512_set1_epi8(0x30);
    for (int g = 0; g < groups; g++) {
        const uint8_t *group = w + (size_t)g * groupStride;
        __m512 acc[4];
        for (int c = 0; c < C; c++) acc[c] = _mm512_setzero_ps();
        for (int b = 0; b < blocks; b++) {
            const uint8_t *blk = group + (size_t)b * Q6_K_X16_BYTES;
            tern_prefetch_span(blk + TERN_PREFETCH_BYTES, 32);
            __m512i is[4];
            for (int c = 0; c < C; c++) is[c] = _mm512_setzero_si512();
            for (int n = 0; n < 2; n++) {
                for (int tq = 0; tq < 2; tq++) {
                    const uint8_t *quarter = blk + 32 + 832 * (2 * n + tq);
                    tern_prefetch_span(quarter + TERN_PREFETCH_BYTES, 64);
                    // wq[s][u]: values 128n + 32s + 4t + i, t = 4tq + u (sub-block 8n + 2s + tq)
                    __m512i wq[4][4];
                    for (int u = 0; u < 4; u++) {
                        tern_prefetch_span(quarter + TERN_PREFETCH_BYTES + 64 + 192 * u, 192);
                        const __m512i qa = _mm512_loadu_si512(quarter + 64 + 192 * u);
                        const __m512i qb = _mm512_loadu_si512(quarter + 128 + 192 * u);
                        const __m512i qh = _mm512_loadu_si512(quarter + 192 + 192 * u);
                        // 0xF8: a | (b & c), per bit: the nibble joined with the two high bits (masked)
                        wq[0][u] = _mm512_ternarylogic_epi32(_mm512_and_si512(qa, low4), _mm512_slli_epi16(qh, 4), bits45, 0xF8);
                        wq[1][u] = _mm512_ternarylogic_epi32(_mm512_and_si512(qb, low4), _mm512_slli_epi16(qh, 2), bits45, 0xF8);
                        wq[2][u] = _mm512_ternarylogic_epi32(_mm512_and_si512(_mm512_srli_epi16(qa, 4), low4), qh, bits45, 0xF8);
                        wq[3][u] = _mm512_ternarylogic_epi32(_mm512_and_si512(_mm512_srli_epi16(qb, 4), low4), _mm512_srli_epi16(qh, 2), bits45, 0xF8);
                    }
                    __m512i sc[4];
                    for (int s = 0; s < 4; s++)
                        sc[s] = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(quarter + 16 * s)));
                    for (int c = 0; c < C; c++) {
                        const uint8_t *ab = a + (size_t)c * aStride + (size_t)b * Q8_K_BYTES;
                        const uint8_t *qa = ab + 4 + 128 * n + 16 * tq;
                        for (int s = 0; s < 4; s++) {
                            int16_t bsum;
                            memcpy(&bsum, ab + 260 + 2 * (8 * n + 2 * s + tq), 2);
                            __m512i sum = _mm512_set1_epi32(-32 * (int32_t)bsum);
                            for (int u = 0; u < 4; u++)
                                sum = _mm512_dpbusd_epi32(sum, wq[s][u], bcast32(qa + 32 * s + 4 * u));
                            is[c] = _mm512_add_epi32(is[c], _mm512_mullo_epi32(sum, sc[s]));
                        }
                    }
                }
            }
            const __m512 d = f16x16(blk);
            for (int c = 0; c < C; c++) {
                const __m512 da = _mm512_set1_ps(tern_ldf32(a + (size_t)c * aStride + (size_t)b * Q8_K_BYTES));
                acc[c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(is[c]), _mm512_mul_ps(d, da), acc[c]);
            }
        }
        const __mmask16 mask = tern_group_rows(g, groups, lastRows);
        for (int c = 0; c < C; c++) _mm512_mask_storeu_ps(out + (size_t)c * outStride + 16 * (size_t)g, mask, acc[c]);
    }
}

#define X16_K_KERNEL(name, FN)                                                                       \
    void name(int groups, int cols, const void *w, size_t groupStride, const void *a, size_t aStride,  \
              int blocks, float *out, size_t outStride, int lastRows) {                                \
        const uint8_t *wp = (const uint8_t *)w, *ap = (const uint8_t *)a;                              \
        switch (cols) {                                                                                \
        case 1: FN(1, groups, wp, groupStride, ap, aStride, blocks, out, outStride, lastRows); break;  \
        case 2: FN(2, groups, wp, groupStride, ap, aStride, blocks, out, outStride, lastRows); break;  \
        case 3: FN(3, groups, wp, groupStride, ap, aStride, blocks, out, outStride, lastRows); break;  \
        case 4: FN(4, groups, wp, groupStride, ap, aStride, blocks, out, outStride, lastRows); break;  \
        default: __builtin_trap();                                                                     \
        }                                                                                              \
    }

X16_K_KERNEL(tern_x16_q4_k_q8_k, q4_k_x16)
X16_K_KERNEL(tern_x16_q6_k_q8_k, q6_k_x16)

#endif
