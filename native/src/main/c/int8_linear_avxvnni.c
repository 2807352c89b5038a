/*
 * The int8 kernel for AVX-VNNI (Intel Alder Lake and later, AMD Zen 5): vpdpbusd on ymm registers, 8 int32
 * lanes, 24-column panels (3 registers a panel row), rows tiled by 4: 12 accumulators, the panel row and x's
 * broadcast fill the 16 ymm registers. vpdpbusd multiplies unsigned bytes by signed ones, so x's bytes carry
 * xq + 128 and the kernel subtracts 128 sum(Wq) per column. int8_linear_body.h is the kernel.
 */
#pragma GCC target("avx2,fma,avxvnni")
#define VARIANT(name) name##_avxvnni
#define LANES 8
#define VECTORS 3
#define TILE 4
#define TILE_ROWS(X) X(4) X(3) X(2) X(1)
#define X_OFFSET 128

#include "vec_avx2.h"
#include "int8_avx2.h"

INLINE ivec iprepare(ivec xb) { return xb; }
INLINE ivec idot(ivec acc, ivec xu, ivec xb, ivec w) {
    (void) xb;
    return _mm256_dpbusd_avx_epi32(acc, xu, w);
}

#include "int8_linear_body.h"
