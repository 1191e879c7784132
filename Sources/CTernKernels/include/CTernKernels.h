#ifndef CTERN_KERNELS_H
#define CTERN_KERNELS_H
#include <stdint.h>
#endif
