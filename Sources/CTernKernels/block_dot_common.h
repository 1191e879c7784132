// Helpers shared by the AVX-512 VNNI block-dot micro-kernels (internal to CTernKernels).
#ifndef TERN_BLOCK_DOT_COMMON_H
#define TERN_BLOCK_DOT_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VNNI__) && defined(__F16C__)
#define TERN_VNNI 1
#include <immintrin.h>

#define TERN_INLINE static inline __attribute__((always_inline))

TERN_INLINE uint16_t tern_ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
TERN_INLINE uint32_t tern_ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
TERN_INLINE float tern_ldf32(const uint8_t *p) { float v; memcpy(&v, p, 4); return v; }

/// 16 floats: lanes 0-7 = f16 `h0`, lanes 8-15 = f16 `h1` (the scales of a pair of 32-blocks,
/// matching the int32 lanes of a vpdpbusd over 64 bytes).
TERN_INLINE __m512 tern_f16_pair(uint16_t h0, uint16_t h1) {
    const __m128 f = _mm_cvtph_ps(_mm_cvtsi32_si128((int)((uint32_t)h0 | ((uint32_t)h1 << 16))));
    const __m512i idx = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    return _mm512_permutexvar_ps(idx, _mm512_castps128_ps512(f));
}

/// Like tern_f16_pair, but only lanes 0 and 8 are set (the others are 0): a per-block term
/// that the final horizontal sum must count once.
TERN_INLINE __m512 tern_f16_pair_once(uint16_t h0, uint16_t h1) {
    const __m128 f = _mm_cvtph_ps(_mm_cvtsi32_si128((int)((uint32_t)h0 | ((uint32_t)h1 << 16))));
    const __m512i idx = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    return _mm512_maskz_permutexvar_ps(0x0101, idx, _mm512_castps128_ps512(f));
}

/// 64 bytes: 32 at p0, then 32 at p1 (the int8 values of two 32-blocks).
TERN_INLINE __m512i tern_bytes_pair(const uint8_t *p0, const uint8_t *p1) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)p0)),
                              _mm256_loadu_si256((const __m256i *)p1), 1);
}

/// 64 bytes: 32 at p0, then 32 zero bytes.
TERN_INLINE __m512i tern_bytes_single(const uint8_t *p0) {
    return _mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)p0));
}

/// Unpacks two 16-byte nibble arrays (ggml order: low nibble = value j, high nibble = value
/// j+16) into 64 bytes of values 0...15: block 0's 32 values, then block 1's.
TERN_INLINE __m512i tern_nibbles_pair(const uint8_t *qs0, const uint8_t *qs1) {
    const __m256i x0 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)qs0));
    const __m256i x1 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)qs1));
    const __m512i x = _mm512_inserti64x4(_mm512_castsi256_si512(x0), x1, 1);
    // 16-bit shift counts: 0 in 128-bit lanes 0 and 2 (low nibbles), 4 in lanes 1 and 3.
    const __m512i shift = _mm512_set_epi64(0x0004000400040004LL, 0x0004000400040004LL, 0, 0,
                                           0x0004000400040004LL, 0x0004000400040004LL, 0, 0);
    return _mm512_and_si512(_mm512_srlv_epi16(x, shift), _mm512_set1_epi8(0x0F));
}

/// As tern_nibbles_pair for a single block; the upper 32 bytes are garbage-free zeros.
TERN_INLINE __m512i tern_nibbles_single(const uint8_t *qs0) {
    const __m256i x0 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)qs0));
    const __m256i shift = _mm256_set_epi64x(0x0004000400040004LL, 0x0004000400040004LL, 0, 0);
    return _mm512_zextsi256_si512(_mm256_and_si256(_mm256_srlv_epi16(x0, shift), _mm256_set1_epi8(0x0F)));
}

/// Where a micro-kernel over R contiguous rows starts prefetching, or NULL (rows not contiguous).
///
/// Rows are expected to be requested in order (the next call takes the following R rows), so
/// while it works on its rows a micro-kernel prefetches, as one linear stream, the rows about
/// TERN_PREFETCH_BYTES further on. Interleaved row streams defeat the hardware prefetcher: a
/// 4-row matrix-vector product read only ~15 GB/s from DRAM without this and ~35 GB/s with it.
#define TERN_PREFETCH_BYTES 6144
TERN_INLINE const uint8_t *tern_prefetch_start(const uint8_t *w, size_t wStride, size_t rowBytes, int R) {
    if (wStride != rowBytes) return NULL;
    const size_t group = (size_t)R * rowBytes;
    return w + (TERN_PREFETCH_BYTES + group - 1) / group * group;
}

/// Prefetches the cache lines of [p, p + bytes) into L1.
TERN_INLINE void tern_prefetch_span(const uint8_t *p, size_t bytes) {
    for (size_t o = 0; o < bytes; o += 64) _mm_prefetch((const char *)p + o, _MM_HINT_T0);
}

/// q + 16 in the bytes whose bit is set in `mask` (the fifth bit of 5-bit values). The constant
/// is made opaque: clang otherwise proves bit 4 of q clear, turns the add into an OR, and AVX-512
/// has no byte-masked OR, which costs an extra instruction.
TERN_INLINE __m512i tern_add16_where(__m512i q, uint64_t mask) {
    __m512i sixteen = _mm512_set1_epi8(16);
    __asm__("" : "+v"(sixteen));
    return _mm512_mask_add_epi8(q, (__mmask64)mask, q, sixteen);
}

/// The rows of 16-row group g (of `groups`) that an x16 kernel writes: all 16, except
/// `lastRows` in the last group (the packed matrix's padding rows are never stored).
TERN_INLINE __mmask16 tern_group_rows(int g, int groups, int lastRows) {
    return g == groups - 1 && lastRows < 16 ? (__mmask16)((1u << lastRows) - 1) : (__mmask16)0xFFFF;
}

/// The horizontal sum of 16 floats.
TERN_INLINE float tern_hsum(__m512 v) { return _mm512_reduce_add_ps(v); }

/// Dispatches a micro-kernel `K(R, C)` on rows, cols in 1...4 with compile-time R and C.
#define TERN_DISPATCH_4x4(rows, cols, CALL)                                   \
    switch ((rows) * 8 + (cols)) {                                            \
    case 1 * 8 + 1: CALL(1, 1); break; case 1 * 8 + 2: CALL(1, 2); break;     \
    case 1 * 8 + 3: CALL(1, 3); break; case 1 * 8 + 4: CALL(1, 4); break;     \
    case 2 * 8 + 1: CALL(2, 1); break; case 2 * 8 + 2: CALL(2, 2); break;     \
    case 2 * 8 + 3: CALL(2, 3); break; case 2 * 8 + 4: CALL(2, 4); break;     \
    case 3 * 8 + 1: CALL(3, 1); break; case 3 * 8 + 2: CALL(3, 2); break;     \
    case 3 * 8 + 3: CALL(3, 3); break; case 3 * 8 + 4: CALL(3, 4); break;     \
    case 4 * 8 + 1: CALL(4, 1); break; case 4 * 8 + 2: CALL(4, 2); break;     \
    case 4 * 8 + 3: CALL(4, 3); break; case 4 * 8 + 4: CALL(4, 4); break;     \
    default: __builtin_trap();                                                \
    }

#endif
#endif
