/*
 * The packed kernel for AVX2 and FMA (AMD Zen 2 and 3, Intel before AVX-512): 8-float registers, 24-column
 * panels (3 registers a panel row), rows tiled by 4, so a tile's 12 accumulators, a panel row and x's
 * broadcast fill the 16 ymm registers. This file sets the shape; vec_avx2.h holds the vector operations
 * and packed_linear_body.h the kernel, so both variants compute the same sums in the same order, and the
 * same GELU.
 */
#pragma GCC target("avx2,fma")
#define VARIANT(name) name##_avx2
#define LANES 8
#define VECTORS 3
#define TILE 4
#define TILE_ROWS(X) X(4) X(3) X(2) X(1)

#include "vec_avx2.h"
#include "packed_linear_body.h"
