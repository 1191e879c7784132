#ifndef CTERN_KERNELS_H
#define CTERN_KERNELS_H
// Int8 block dot products with AVX-512 VNNI (`vpdpbusd`, `vpdpwssd`), which Swift cannot emit.
//
// Every function is a micro-kernel of Compute's quantized dot tile: it computes a block of
// `rows` (1...4) weight rows against `cols` (1...4; 1...8 for the K-quants) activation rows over
// `blocks` whole blocks, and writes out[c * outStride + r] = dot(weight row r, activation row c).
//   w: first weight row, rows `wStride` bytes apart, each `blocks` ggml blocks of the weight type.
//   a: first activation row, rows `aStride` bytes apart, each `blocks` blocks of the type ggml
//      pairs with the weight (Q8_0 for Q4_0/Q5_0/Q8_0, Q8_1 for Q4_1/Q5_1, Q8_K for the K-quants),
//      as Compute's quantizeActivationRow writes them (|q| <= 127).
//   `blocks` counts weight blocks: 32 values each for Q4_0...Q8_0, 256 for the K-quants.
// Each has a Swift twin in Compute (the fallback, held equal by tests). When the C compiler does
// not target AVX-512 VNNI, tern_has_vnni_kernels() returns 0 and the functions are stubs that trap.
#include <stddef.h>
#include <stdint.h>

/// A hint that the cache line at `p` will be read soon (x86 `prefetcht0`): Swift has no prefetch
/// intrinsic, and a plain load in its place holds the core until the line arrives. `static inline`,
/// so Swift callers get the one instruction, not a call. The HNSW search uses it (its twin is the
/// same walk without hints, HNSWReferenceSearch).
static inline void tern_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/// 1 when the VNNI block-dot micro-kernels below were compiled in, else 0.
int tern_has_vnni_kernels(void);

void tern_dot_q4_0_q8_0(int rows, int cols, const void *w, size_t wStride, const void *a, size_t aStride,
                        int blocks, float *out, size_t outStride);
void tern_dot_q5_0_q8_0(int rows, int cols, const void *w, size_t wStride, const void *a, size_t aStride,
                        int blocks, float *out, size_t outStride);
void tern_dot_q8_0_q8_0(int rows, int cols, const void *w, size_t wStride, const void *a, size_t aStride,
                        int blocks, float *out, size_t outStride);
void tern_dot_q4_1_q8_1(int rows, int cols, const void *w, size_t wStride, const void *a, size_t aStride,
                        int blocks, float *out, size_t outStride);
void tern_dot_q5_1_q8_1(int rows, int cols, const void *w, size_t wStride, const void *a, size_t aStride,
                        int blocks, float *out, size_t outStride);
void tern_dot_q4_k_q8_k(int rows, int cols, const void *w, size_t wStride, const void *a, size_t aStride,
                        int blocks, float *out, size_t outStride);
void tern_dot_q5_k_q8_k(int rows, int cols, const void *w, size_t wStride, const void *a, size_t aStride,
                        int blocks, float *out, size_t outStride);
void tern_dot_q6_k_q8_k(int rows, int cols, const void *w, size_t wStride, const void *a, size_t aStride,
                        int blocks, float *out, size_t outStride);

/// What the x16 kernels need of one Q8_0 activation block: its scale d_a as a double and the sum
/// of its 32 int8 values (for the weights' unsigned offset).
typedef struct {
    double scale;
    int32_t sum;
    int32_t unused;
} tern_block_info;

// Q8_0 / Q5_0 weights repacked 16 rows per group (layout in block_dot_x16.c, made by Compute's
// PackedMatrix), against Q8_0 activations: for `groups` consecutive groups and `cols` (1...8)
// activation rows, out[c * outStride + 16 * g + r] = dot(row r of group g, activation row c),
// written for r < 16 except r < lastRows in the last group. `info[c * infoStride + b]` describes
// block b of activation row c. Each row's block terms are summed exactly in double (see the file).
void tern_x16_q8_0_q8_0(int groups, int cols, const void *w, size_t groupStride, const void *a, size_t aStride,
                        const tern_block_info *info, size_t infoStride, int blocks, float *out, size_t outStride,
                        int lastRows);
void tern_x16_q5_0_q8_0(int groups, int cols, const void *w, size_t groupStride, const void *a, size_t aStride,
                        const tern_block_info *info, size_t infoStride, int blocks, float *out, size_t outStride,
                        int lastRows);

// Q4_K / Q6_K weights repacked 16 rows per group (layout in block_dot_x16_k.c) against Q8_K
// activations, the same contract without `info` (the Q8_K blocks carry their scale and sums);
// cols 1...4, `blocks` super-blocks of 256 values.
void tern_x16_q4_k_q8_k(int groups, int cols, const void *w, size_t groupStride, const void *a, size_t aStride,
                        int blocks, float *out, size_t outStride, int lastRows);
void tern_x16_q6_k_q8_k(int groups, int cols, const void *w, size_t groupStride, const void *a, size_t aStride,
                        int blocks, float *out, size_t outStride, int lastRows);

#endif
