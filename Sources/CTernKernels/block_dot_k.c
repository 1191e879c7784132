// Q4_K, Q5_K and Q6_K weights against Q8_K activations (AVX-512 VNNI).
//
// A super-block is 256 values, processed as four chunks of 64 values, one 512-bit register
// each: chunk k holds two 32-value halves (Q4_K/Q5_K: sub-blocks 2k and 2k+1, one scale each;
// Q6_K: four 16-value sub-blocks). Integer products are scaled by the integer sub-block scales
// per super-block, and the float scales (d_w * d_a, and dmin_w * d_a for the mins) once per
// super-block:
//   Q4_K/Q5_K: sum(w*x) = d*da * sum_j sc_j * sum(q*a)  -  dmin*da * sum_j m_j * bsum_j
//   Q6_K:      sum(w*x) = d*da * (sum_j sc_j * sum(u*a) - 32 * sum_j sc_j * bsum_j),  u = q + 32
// where bsum_j is the activation's own sum over sub-block j (the Q8_K `bsums`, per 16 values).
//
// Two micro-kernels share the decoding:
// - matrix-vector products and narrow tiles (cols <= 4): R <= 4 rows x 2 columns per pass;
//   per chunk `vpdpbusd` then `vpdpwssd` by the lane's scale; per row and column one float
//   accumulator, summed horizontally at the end. Weights stream from memory with prefetching.
// - prefill tiles (cols 5...8): 2 rows x 8 columns; per chunk `vpmaddubsw` (no zeroed
//   accumulator to feed) then `vpdpwssd`. The 16 integer sums of a super-block are reduced
//   together into one register of 16 (row, column) lanes and scaled by one multiply-add, and
//   the mins and corrections run on the bsums side in the same layout (see tile_* below).
#include "CTernKernels.h"
#include "block_dot_common.h"
#include <math.h>

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
                      float acc[4][2]) {
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
    // Batch invariance: the super-block's integer totals are exact, and the float steps per
    // (row, column) are the same as k_tile's (mins, then sums, one rounding each), so a token
    // gets bit-identical results whether it is alone or in a tile of 8.
    for (int c = 0; c < C; c++) {
        const uint8_t *q = a + c * aStride + (size_t)s * Q8_K_BYTES;
        const float da = tern_ldf32(q);
        const __m512i bsums = _mm512_cvtepi16_epi32(_mm256_loadu_si256((const __m256i *)(q + 260)));
        for (int r = 0; r < R; r++) {
            if (type == TYPE_Q6_K) {
                isum[r][c] = _mm512_dpwssd_epi32(isum[r][c], bsums, rb[r].correction);
            } else {
                const int mins = _mm512_reduce_add_epi32(_mm512_madd_epi16(bsums, rb[r].correction));
                acc[r][c] = fmaf((float)mins, -(rb[r].dmin * da), acc[r][c]);
            }
            acc[r][c] = fmaf((float)_mm512_reduce_add_epi32(isum[r][c]), rb[r].d * da, acc[r][c]);
        }
    }
}

TERN_INLINE void k_family(const int type, const int R, const int C,
                          const uint8_t *w, size_t wStride, const uint8_t *a, size_t aStride,
                          int blocks, float *out, size_t outStride) {
    float acc[4][2];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) acc[r][c] = 0;
    const uint8_t *prefetch = tern_prefetch_start(w, wStride, (size_t)blocks * weight_block_bytes(type), R);
    for (int s = 0; s < blocks; s++) step(type, R, C, s, w, wStride, a, aStride, prefetch, acc);
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) out[c * outStride + r] = acc[r][c];
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

// ---- Prefill tiles: 2 rows x 8 columns ----
//
// Lanes. A chunk register's int32 lane i sums values 4i..4i+3 of the chunk: lanes 0-7 the first
// 32-value half, lanes 8-15 the second. The per-lane scale vectors come from one register per
// row and super-block by `vpshufd` (in-lane, cheap): its dword at position p of 128-bit block b
// is the scale spread over block b for chunk p. The scales are stored twice per dword (low and
// high word) because `vpdpwssd` multiplies both int16 halves of a `vpmaddubsw` result.

/// Byte b of the 12 packed Q4_K/Q5_K scale/min bytes (ggml's get_scale_min_k4):
///   scale j < 4: q[j] & 63            scale j >= 4: (q[j+4] & 15) | (q[j-4] >> 6) << 4
///   min j < 4:   q[j+4] & 63          min j >= 4:   (q[j+4] >> 4) | (q[j] >> 6) << 4
/// Unpacking gathers, per output word, q[low source] into its low byte and q[high source] (or the
/// zero byte q[15] of the masked load) into its high byte; shifts and masks finish it (tile_row).
#define SCALE_LOW(j) (uint8_t)((j) < 4 ? (j) : (j) + 4)
#define SCALE_HIGH(j) (uint8_t)((j) < 4 ? 15 : (j) - 4)
// Scales: dword at block b, position p <- scale j = 2p + (b >= 2) (chunk p: lanes 0-7 take
// sub-block 2p, lanes 8-15 sub-block 2p+1), in both words.
#define TS_J(l) (2 * ((l) % 4) + ((l) / 4 >= 2))
#define TS(l) SCALE_LOW(TS_J(l)), SCALE_HIGH(TS_J(l)), SCALE_LOW(TS_J(l)), SCALE_HIGH(TS_J(l))
static const uint8_t tileScaleIndex[64] = {TS(0), TS(1), TS(2), TS(3), TS(4), TS(5), TS(6), TS(7),
                                           TS(8), TS(9), TS(10), TS(11), TS(12), TS(13), TS(14), TS(15)};
#define TSM(l) (uint32_t)(TS_J(l) < 4 ? 0x003F003F : 0x000F000F)
static const uint32_t tileScaleMask[16] = {TSM(0), TSM(1), TSM(2), TSM(3), TSM(4), TSM(5), TSM(6), TSM(7),
                                           TSM(8), TSM(9), TSM(10), TSM(11), TSM(12), TSM(13), TSM(14), TSM(15)};
// Mins, as words against a column pair's bsums (tile_bsums_pair): word w <- min j = 2 (w / 8) + (w % 4) / 2.
#define TM_J(w) (2 * ((w) / 8) + ((w) % 4) / 2)
#define TM(w) (uint8_t)(TM_J(w) + 4), (uint8_t)(TM_J(w) < 4 ? 15 : TM_J(w))
#define TM8(w) TM(w), TM(w + 1), TM(w + 2), TM(w + 3), TM(w + 4), TM(w + 5), TM(w + 6), TM(w + 7)
static const uint8_t tileMinIndex[64] = {TM8(0), TM8(8), TM8(16), TM8(24)};
#define TMS(w) (uint16_t)(TM_J(w) < 4 ? 0 : 4)
#define TMS8(w) TMS(w), TMS(w + 1), TMS(w + 2), TMS(w + 3), TMS(w + 4), TMS(w + 5), TMS(w + 6), TMS(w + 7)
static const uint16_t tileMinShift[32] = {TMS8(0), TMS8(8), TMS8(16), TMS8(24)};
#define TMM(w) (uint16_t)(TM_J(w) < 4 ? 0x3F : 0x0F)
#define TMM8(w) TMM(w), TMM(w + 1), TMM(w + 2), TMM(w + 3), TMM(w + 4), TMM(w + 5), TMM(w + 6), TMM(w + 7)
static const uint16_t tileMinMask[32] = {TMM8(0), TMM8(8), TMM8(16), TMM8(24)};
// Q6_K: chunk p's lane block b is sub-block 4p + b, so position p of block b <- word 4p + b of
// the 16 sign-extended scales, in both words.
#define T6(l) (uint16_t)(4 * ((l) % 4) + (l) / 4), (uint16_t)(4 * ((l) % 4) + (l) / 4)
static const uint16_t tileScaleIndexQ6[32] = {T6(0), T6(1), T6(2), T6(3), T6(4), T6(5), T6(6), T6(7),
                                              T6(8), T6(9), T6(10), T6(11), T6(12), T6(13), T6(14), T6(15)};
// Q6_K correction, as words against a column pair's bsums: word w <- scale 4 (w / 8) + w % 4.
#define T6C(w) (uint16_t)(4 * ((w) / 8) + (w) % 4)
#define T6C8(w) T6C(w), T6C(w + 1), T6C(w + 2), T6C(w + 3), T6C(w + 4), T6C(w + 5), T6C(w + 6), T6C(w + 7)
static const uint16_t tileCorrectionIndexQ6[32] = {T6C8(0), T6C8(8), T6C8(16), T6C8(24)};

/// One weight row's super-block, prepared for the tile.
typedef struct {
    __m512i scales; // chunk k's scale vector is tile_chunk_scales(scales, k)
    __m512i words;  // Q4_K/Q5_K: the mins; Q6_K: -32 * scales; int16 against tile_bsums_pair
} TileRow;

TERN_INLINE TileRow tile_row(int type, const uint8_t *p) {
    TileRow row;
    if (type == TYPE_Q6_K) {
        const __m512i sc = _mm512_castsi256_si512(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(p + 192))));
        row.scales = _mm512_permutexvar_epi16(_mm512_loadu_si512(tileScaleIndexQ6), sc);
        const __m512i correction = _mm512_sub_epi16(_mm512_setzero_si512(), _mm512_slli_epi16(sc, 5));
        row.words = _mm512_permutexvar_epi16(_mm512_loadu_si512(tileCorrectionIndexQ6), correction);
        return row;
    }
    // q[0..15] in every 128-bit block (q[12..15] = 0), gathered by vpshufb (vpermb would need VBMI);
    // then (a & mask) | (b & ~mask): the low bits from the low byte, bits 4-5 from the high byte's top
    const __m512i q = _mm512_broadcast_i32x4(_mm_maskz_loadu_epi8(0x0FFF, p + 4));
    const __m512i s = _mm512_shuffle_epi8(q, _mm512_loadu_si512(tileScaleIndex));
    row.scales = _mm512_ternarylogic_epi32(s, _mm512_srli_epi16(s, 10), _mm512_loadu_si512(tileScaleMask), 0xE4);
    const __m512i m = _mm512_shuffle_epi8(q, _mm512_loadu_si512(tileMinIndex));
    row.words = _mm512_ternarylogic_epi32(_mm512_srlv_epi16(m, _mm512_loadu_si512(tileMinShift)), _mm512_srli_epi16(m, 10),
                                          _mm512_loadu_si512(tileMinMask), 0xE4);
    return row;
}

TERN_INLINE __m512i tile_chunk_scales(__m512i scales, int k) {
    switch (k) {
    case 0: return _mm512_shuffle_epi32(scales, 0x00);
    case 1: return _mm512_shuffle_epi32(scales, 0x55);
    case 2: return _mm512_shuffle_epi32(scales, 0xAA);
    default: return _mm512_shuffle_epi32(scales, 0xFF);
    }
}

/// The bsums of columns c0 and c1 (16 int16 each), interleaved by 64-bit quarters: per 128-bit
/// block, c0's 4 then c1's 4 (the lane order of tile_merge1's result).
TERN_INLINE __m512i tile_bsums_pair(const uint8_t *b0, const uint8_t *b1) {
    return _mm512_permutex2var_epi64(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)b0)),
                                     _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0),
                                     _mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)b1)));
}

// The reduction of 16 registers (one per row and column) to one register of 16 lanes, in three
// in-lane steps and one across 128-bit blocks. Lane sums are all that matter, so each step adds
// halves of two registers into one.
/// (A, B) -> per 128-bit block: 2 lanes summing A's block, then 2 summing B's.
TERN_INLINE __m512i tile_merge1(__m512i a, __m512i b) {
    return _mm512_add_epi32(_mm512_unpacklo_epi64(a, b), _mm512_unpackhi_epi64(a, b));
}
/// (tile_merge1(A, B), tile_merge1(E, F)) -> per block: one lane each for A, B, E, F.
TERN_INLINE __m512i tile_merge2(__m512i c, __m512i d) {
    const __m512 x = _mm512_castsi512_ps(c), y = _mm512_castsi512_ps(d);
    return _mm512_add_epi32(_mm512_castps_si512(_mm512_shuffle_ps(x, y, 0x88)),
                            _mm512_castps_si512(_mm512_shuffle_ps(x, y, 0xDD)));
}
/// G0..G3 (the same 4 sums in every block) -> lane 4g + x = total of G_g's sum x.
TERN_INLINE __m512i tile_merge_blocks(__m512i g0, __m512i g1, __m512i g2, __m512i g3) {
    const __m512i h = _mm512_add_epi32(_mm512_shuffle_i32x4(g0, g1, 0x44), _mm512_shuffle_i32x4(g0, g1, 0xEE));
    const __m512i i = _mm512_add_epi32(_mm512_shuffle_i32x4(g2, g3, 0x44), _mm512_shuffle_i32x4(g2, g3, 0xEE));
    return _mm512_add_epi32(_mm512_shuffle_i32x4(h, i, 0x88), _mm512_shuffle_i32x4(h, i, 0xDD));
}
/// v[4r + c/2] = tile_merge1 of (r, c) and (r, c+1) for even c -> lane 8r + c = total of (r, c).
TERN_INLINE __m512i tile_reduce(const __m512i v[8]) {
    return tile_merge_blocks(tile_merge2(v[0], v[1]), tile_merge2(v[2], v[3]), tile_merge2(v[4], v[5]), tile_merge2(v[6], v[7]));
}

/// The bsums side of a super-block at activation offset ao, before the reduction (v[4r + c/2]
/// holds (r, c) and (r, c+1) for even c, as tile_merge1 does): sum_j words_j * bsum_j
/// (Q4_K/Q5_K: the mins term; Q6_K: the -32 correction).
TERN_INLINE void tile_side(const uint8_t *const ac[8], size_t ao, TileRow row0, TileRow row1, __m512i v[8]) {
    for (int cp = 0; cp < 4; cp++) {
        const __m512i bsums = tile_bsums_pair(ac[2 * cp] + ao + 260, ac[2 * cp + 1] + ao + 260);
        v[cp] = _mm512_madd_epi16(bsums, row0.words);
        v[4 + cp] = _mm512_madd_epi16(bsums, row1.words);
    }
}

/// The integer sums of one super-block (sums[8r + c] for row r, column c; Q6_K: plus the
/// correction `side`, in tile_side's layout), reduced to lanes 8r + c, scaled by `scale` and
/// added to acc.
TERN_INLINE __m512 tile_finish(int type, const __m512i sums[16], const __m512i side[8], __m512 scale, __m512 acc) {
    __m512i v[8];
    for (int i = 0; i < 8; i++) {
        v[i] = tile_merge1(sums[2 * i], sums[2 * i + 1]);
        if (type == TYPE_Q6_K) v[i] = _mm512_add_epi32(v[i], side[i]);
    }
    return _mm512_fmadd_ps(_mm512_cvtepi32_ps(tile_reduce(v)), scale, acc);
}

/// Rows w (R = 1 or 2, rows wStride apart) against columns a (C <= 8) into out[c * outStride + r].
/// Missing rows and columns repeat the last one; their results are dropped.
TERN_INLINE void k_tile(const int type, int R, int C, const uint8_t *w, size_t wStride, const uint8_t *a, size_t aStride,
                        int blocks, float *out, size_t outStride) {
    const int wb = weight_block_bytes(type);
    const uint8_t *wr[2], *ac[8];
    for (int r = 0; r < 2; r++) wr[r] = w + (r < R ? r : R - 1) * wStride;
    for (int c = 0; c < 8; c++) ac[c] = a + (c < C ? c : C - 1) * aStride;
    // Q4_K/Q5_K reduce a super-block's sums while the next one runs (measured +5-7%; Q6_K, with
    // more registers in decoding, -4%).
    const int pipelined = type != TYPE_Q6_K;
    __m512i pending[16];
    __m512 pendingScale = _mm512_setzero_ps();
    for (int i = 0; i < 16; i++) pending[i] = _mm512_setzero_si512();
    __m512 acc = _mm512_setzero_ps(); // lane 8r + c
    for (int s = 0; s < blocks; s++) {
        const size_t wo = (size_t)s * wb, ao = (size_t)s * Q8_K_BYTES;
        const TileRow row0 = tile_row(type, wr[0] + wo), row1 = tile_row(type, wr[1] + wo);
        // float scales, lane 8r + c: d_r * da_c and dmin_r * da_c
        const uint32_t h0 = type == TYPE_Q6_K ? tern_ld16(wr[0] + wo + 208) : tern_ld32(wr[0] + wo);
        const uint32_t h1 = type == TYPE_Q6_K ? tern_ld16(wr[1] + wo + 208) : tern_ld32(wr[1] + wo);
        const __m512 dm = _mm512_castps128_ps512(_mm_cvtph_ps(_mm_cvtsi64_si128((long long)((uint64_t)h1 << 32 | h0)))); // d0 dmin0 d1 dmin1
        const __m256 da8 = _mm256_setr_ps(tern_ldf32(ac[0] + ao), tern_ldf32(ac[1] + ao), tern_ldf32(ac[2] + ao), tern_ldf32(ac[3] + ao),
                                          tern_ldf32(ac[4] + ao), tern_ldf32(ac[5] + ao), tern_ldf32(ac[6] + ao), tern_ldf32(ac[7] + ao));
        const __m512 da = _mm512_insertf32x8(_mm512_castps256_ps512(da8), da8, 1);
        const __m512 scale = _mm512_mul_ps(_mm512_permutexvar_ps(_mm512_set_epi32(2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0), dm), da);
        // Per lane, in order: the previous super-block's sums (pipelined), this one's mins, this
        // one's sums; the same float steps as the matrix-vector kernel (batch invariance).
        __m512 minScale = _mm512_setzero_ps(), mins = _mm512_setzero_ps();
        if (type != TYPE_Q6_K) { // the mins
            minScale = _mm512_mul_ps(_mm512_permutexvar_ps(_mm512_set_epi32(3, 3, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), dm), da);
            __m512i side[8];
            tile_side(ac, ao, row0, row1, side);
            mins = _mm512_cvtepi32_ps(tile_reduce(side));
        }
        __m512i sums[16];
        for (int k = 0; k < 4; k++) {
            if (pipelined && k == 2) {
                if (s > 0) acc = tile_finish(type, pending, NULL, pendingScale, acc);
                acc = _mm512_fnmadd_ps(mins, minScale, acc);
            }
            const __m512i q0 = decode_chunk(type, wr[0] + wo, k), q1 = decode_chunk(type, wr[1] + wo, k);
            const __m512i sc0 = tile_chunk_scales(row0.scales, k), sc1 = tile_chunk_scales(row1.scales, k);
            for (int c = 0; c < 8; c++) {
                const __m512i x = _mm512_loadu_si512((const void *)(ac[c] + ao + 4 + 64 * k));
                const __m512i p0 = _mm512_maddubs_epi16(q0, x), p1 = _mm512_maddubs_epi16(q1, x); // int16 pairs
                sums[c] = k == 0 ? _mm512_madd_epi16(p0, sc0) : _mm512_dpwssd_epi32(sums[c], p0, sc0);
                sums[8 + c] = k == 0 ? _mm512_madd_epi16(p1, sc1) : _mm512_dpwssd_epi32(sums[8 + c], p1, sc1);
            }
        }
        if (pipelined) {
            for (int i = 0; i < 16; i++) pending[i] = sums[i];
            pendingScale = scale;
        } else {
            __m512i side[8];
            tile_side(ac, ao, row0, row1, side);
            acc = tile_finish(type, sums, side, scale, acc);
        }
    }
    if (pipelined) acc = tile_finish(type, pending, NULL, pendingScale, acc);
    float result[16];
    _mm512_storeu_ps(result, acc);
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) out[c * outStride + r] = result[8 * r + c];
}

/// cols <= 4: the matrix-vector micro-kernel; cols 5...8: prefill tiles of row pairs.
#define KERNEL(name, TYPE)                                                                        \
    void name(int rows, int cols, const void *w, size_t wStride, const void *a, size_t aStride,     \
              int blocks, float *out, size_t outStride) {                                           \
        const uint8_t *wp = (const uint8_t *)w, *ap = (const uint8_t *)a;                           \
        if (cols <= 4) {                                                                            \
            TERN_DISPATCH_4x4(rows, cols, CALL_##TYPE)                                              \
            return;                                                                                 \
        }                                                                                           \
        for (int r0 = 0; r0 < rows; r0 += 2)                                                        \
            k_tile(TYPE, rows - r0 < 2 ? rows - r0 : 2, cols, wp + r0 * wStride, wStride, ap, aStride, \
                   blocks, out + r0, outStride);                                                    \
    }
#define CALL_TYPE_Q4_K(R, C) k_family_cols(TYPE_Q4_K, R, C, wp, wStride, ap, aStride, blocks, out, outStride)
#define CALL_TYPE_Q5_K(R, C) k_family_cols(TYPE_Q5_K, R, C, wp, wStride, ap, aStride, blocks, out, outStride)
#define CALL_TYPE_Q6_K(R, C) k_family_cols(TYPE_Q6_K, R, C, wp, wStride, ap, aStride, blocks, out, outStride)

KERNEL(tern_dot_q4_k_q8_k, TYPE_Q4_K)
KERNEL(tern_dot_q5_k_q8_k, TYPE_Q5_K)
KERNEL(tern_dot_q6_k_q8_k, TYPE_Q6_K)

#endif
