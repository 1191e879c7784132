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

#endif
