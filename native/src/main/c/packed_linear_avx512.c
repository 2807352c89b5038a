/*
 * The packed kernel for AVX-512F: 16-float registers, 48-column panels (3 registers a panel row), rows
 * tiled by 8, so a tile's 24 accumulators leave 8 of the 32 zmm registers for the weights and x.
 * This file sets the shape; vec_avx512.h holds the vector operations, packed_linear_body.h the kernel.
 */
#pragma GCC target("avx512f,fma")
#define VARIANT(name) name##_avx512
#define LANES 16
#define VECTORS 3
#define TILE 8
#define TILE_ROWS(X) X(8) X(7) X(6) X(5) X(4) X(3) X(2) X(1)

#include "vec_avx512.h"
#include "packed_linear_body.h"
