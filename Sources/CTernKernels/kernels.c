// Availability of the VNNI micro-kernels, and trapping stubs when they are not compiled in.
#include "CTernKernels.h"
#include "block_dot_common.h"

#if defined(TERN_VNNI)
int tern_has_vnni_kernels(void) { return 1; }
#else
int tern_has_vnni_kernels(void) { return 0; }

#define STUB(name)                                                                                \
    void name(int rows, int cols, const void *w, size_t wStride, const void *a, size_t aStride,   \
              int blocks, float *out, size_t outStride) {                                         \
        (void)rows; (void)cols; (void)w; (void)wStride; (void)a; (void)aStride;                  \
        (void)blocks; (void)out; (void)outStride;                                                \
        __builtin_trap();                                                                         \
    }
STUB(tern_dot_q4_0_q8_0)
STUB(tern_dot_q5_0_q8_0)
STUB(tern_dot_q8_0_q8_0)
STUB(tern_dot_q4_1_q8_1)
STUB(tern_dot_q5_1_q8_1)
STUB(tern_dot_q4_k_q8_k)
STUB(tern_dot_q5_k_q8_k)
STUB(tern_dot_q6_k_q8_k)

#define X16_STUB(name)                                                                            \
    void name(int groups, int cols, const void *w, size_t groupStride, const void *a, size_t aStride, \
              const tern_block_info *info, size_t infoStride, int blocks, float *out, size_t outStride, \
              int lastRows) {                                                                       \
        (void)groups; (void)cols; (void)w; (void)groupStride; (void)a; (void)aStride; (void)info;  \
        (void)infoStride; (void)blocks; (void)out; (void)outStride; (void)lastRows;                \
        __builtin_trap();                                                                           \
    }
X16_STUB(tern_x16_q8_0_q8_0)
X16_STUB(tern_x16_q5_0_q8_0)

#define X16_K_STUB(name)                                                                          \
    void name(int groups, int cols, const void *w, size_t groupStride, const void *a, size_t aStride, \
              int blocks, float *out, size_t outStride, int lastRows) {                             \
        (void)groups; (void)cols; (void)w; (void)groupStride; (void)a; (void)aStride;              \
        (void)blocks; (void)out; (void)outStride; (void)lastRows;                                  \
        __builtin_trap();                                                                           \
    }
X16_K_STUB(tern_x16_q4_k_q8_k)
X16_K_STUB(tern_x16_q6_k_q8_k)
#endif
