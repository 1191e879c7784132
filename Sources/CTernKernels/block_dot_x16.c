// Q8_0 and Q5_0 weights repacked 16 rows at a time ("x16", Compute/PackedMatrix.swift) against
// Q8_0 activations (AVX-512 VNNI).
//
// In the ggml layout a 512-bit `vpdpbusd` holds eight partial sums of one block per row, and
// every block then costs a conversion, a scale product and a multiply-add on all 16 lanes of
// each (row, column): three float instructions for each integer one. Repacked, lane r of a
// register is row r of the group: for each 4-value group k of a block, 16 rows x 4 bytes are 64
// consecutive bytes, and one `vpdpbusd` against the activation's 4 bytes broadcast to every lane
// adds group k to all 16 rows. After 8 such steps lane r holds row r's exact integer block sum,
// and the scaling runs once per block for 16 rows.
//
// Each row's sum over blocks is accumulated in double: d_w * d_a (two f16) times the block's
// integer sum (< 2^20) is exact in a double, so the only roundings are the running additions
// (53-bit) and the final conversion to float. The result is the same for any grouping of rows
// or columns (batch-invariant by construction) and equals the Swift twin bit for bit.
//
// Block layout (per 16-row group, blocks consecutive; `groupStride` bytes between groups):
//   Q8_0 (544 bytes): f16 d[16] | for k in 0..<8: for r in 0..<16: u8 (q + 128)[4k ..< 4k+4]
//   Q5_0 (352 bytes): f16 d[16] | for j in 0..<4: for r in 0..<16: qs[4j ..< 4j+4]
//                     | u64 low5[4] | u64 high5[4]
//     where nibble bytes hold value 4j+i in the low and 16+4j+i in the high nibble (ggml's
//     order), and bit 4r+i of low5[j] / high5[j] is the fifth bit of those values of row r.
#include "CTernKernels.h"
#include "block_dot_common.h"

#if defined(TERN_VNNI)

enum { Q8_0_X16_BYTES = 544, Q5_0_X16_BYTES = 352, Q8_0_BYTES = 34 };

/// The unsigned weight bytes of groups k = 0..<8 of one block of 16 rows.
TERN_INLINE void decode_x16(const int q5, const uint8_t *block, __m512i wq[8]) {
    if (!q5) {
        for (int k = 0; k < 8; k++) wq[k] = _mm512_loadu_si512(block + 32 + 64 * k);
        return;
    }
    const __m512i low4 = _mm512_set1_epi8(0x0F);
    for (int j = 0; j < 4; j++) {
        const __m512i x = _mm512_loadu_si512(block + 32 + 64 * j);
        uint64_t low5, high5;
        memcpy(&low5, block + 288 + 8 * j, 8);
        memcpy(&high5, block + 320 + 8 * j, 8);
        wq[j] = tern_add16_where(_mm512_and_si512(x, low4), low5);
        wq[j + 4] = tern_add16_where(_mm512_and_si512(_mm512_srli_epi16(x, 4), low4), high5);
    }
}

/// 16 rows x C columns, for `groups` consecutive groups.
TERN_INLINE void x16_kernel(const int q5, const int C, int groups, const uint8_t *w, size_t groupStride,
                            const uint8_t *a, size_t aStride, const tern_block_info *info, size_t infoStride,
                            int blocks, float *out, size_t outStride, int lastRows) {
    const int blockBytes = q5 ? Q5_0_X16_BYTES : Q8_0_X16_BYTES;
    const int32_t offset = q5 ? 16 : 128;
    for (int g = 0; g < groups; g++) {
        const uint8_t *group = w + (size_t)g * groupStride;
        __m512d acc[8][2];
        for (int c = 0; c < C; c++) acc[c][0] = acc[c][1] = _mm512_setzero_pd();
        for (int b = 0; b < blocks; b++) {
            const uint8_t *block = group + (size_t)b * blockBytes;
            tern_prefetch_span(block + TERN_PREFETCH_BYTES, (size_t)blockBytes);
            const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)block));
            const __m512d dwLow = _mm512_cvtps_pd(_mm512_castps512_ps256(dw));
            const __m512d dwHigh = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(dw), 1)));
            __m512i wq[8];
            decode_x16(q5, block, wq);
            for (int c = 0; c < C; c++) {
                const uint8_t *qa = a + (size_t)c * aStride + (size_t)b * Q8_0_BYTES + 2;
                const tern_block_info in = info[(size_t)c * infoStride + b];
                __m512i sum = _mm512_set1_epi32(-offset * in.sum);
                for (int k = 0; k < 8; k++)
                    sum = _mm512_dpbusd_epi32(sum, wq[k], _mm512_set1_epi32((int)tern_ld32(qa + 4 * k)));
                const __m512d da = _mm512_set1_pd(in.scale);
                acc[c][0] = _mm512_fmadd_pd(_mm512_cvtepi32_pd(_mm512_castsi512_si256(sum)),
                                            _mm512_mul_pd(dwLow, da), acc[c][0]);
                acc[c][1] = _mm512_fmadd_pd(_mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(sum, 1)),
                                            _mm512_mul_pd(dwHigh, da), acc[c][1]);
            }
        }
        const __mmask16 mask = tern_group_rows(g, groups, lastRows);
        for (int c = 0; c < C; c++) {
            const __m256 low = _mm512_cvtpd_ps(acc[c][0]), high = _mm512_cvtpd_ps(acc[c][1]);
            const __m512 both = _mm512_castpd_ps(_mm512_insertf64x4(
                _mm512_castpd256_pd512(_mm256_castps_pd(low)), _mm256_castps_pd(high), 1));
            _mm512_mask_storeu_ps(out + (size_t)c * outStride + 16 * (size_t)g, mask, both);
        }
    }
}

#define X16_KERNEL(name, Q5)                                                                        \
    void name(int groups, int cols, const void *w, size_t groupStride, const void *a, size_t aStride,  \
              const tern_block_info *info, size_t infoStride, int blocks, float *out, size_t outStride, \
              int lastRows) {                                                                          \
        const uint8_t *wp = (const uint8_t *)w, *ap = (const uint8_t *)a;                              \
        switch (cols) {                                                                                \
        case 1: x16_kernel(Q5, 1, groups, wp, groupStride, ap, aStride, info, infoStride, blocks, out, outStride, lastRows); break; \
        case 2: x16_kernel(Q5, 2, groups, wp, groupStride, ap, aStride, info, infoStride, blocks, out, outStride, lastRows); break; \
        case 3: x16_kernel(Q5, 3, groups, wp, groupStride, ap, aStride, info, infoStride, blocks, out, outStride, lastRows); break; \
        case 4: x16_kernel(Q5, 4, groups, wp, groupStride, ap, aStride, info, infoStride, blocks, out, outStride, lastRows); break; \
        case 5: x16_kernel(Q5, 5, groups, wp, groupStride, ap, aStride, info, infoStride, blocks, out, outStride, lastRows); break; \
        case 6: x16_kernel(Q5, 6, groups, wp, groupStride, ap, aStride, info, infoStride, blocks, out, outStride, lastRows); break; \
        case 7: x16_kernel(Q5, 7, groups, wp, groupStride, ap, aStride, info, infoStride, blocks, out, outStride, lastRows); break; \
        case 8: x16_kernel(Q5, 8, groups, wp, groupStride, ap, aStride, info, infoStride, blocks, out, outStride, lastRows); break; \
        default: __builtin_trap();                                                                     \
        }                                                                                              \
    }

X16_KERNEL(tern_x16_q8_0_q8_0, 0)
X16_KERNEL(tern_x16_q5_0_q8_0, 1)

#endif
