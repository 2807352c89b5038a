/*
 * The int8 kernel for AVX-512 VNNI (Intel Cascade Lake and later, AMD Zen 4 and 5): vpdpbusd on zmm
 * registers, 16 int32 lanes, 48-column panels (3 registers a panel row), rows tiled by 8: 24 accumulators,
 * the panel row and x's broadcast in 28 of the 32 zmm registers. vpdpbusd multiplies unsigned bytes by
 * signed ones, so x's bytes carry xq + 128 and the kernel subtracts 128 sum(Wq) per column.
 * int8_linear_body.h is the kernel.
 */
#pragma GCC target("avx512f,avx512bw,avx512vnni,fma")
#define VARIANT(name) name##_avx512vnni
#define LANES 16
#define VECTORS 3
#define TILE 8
#define TILE_ROWS(X) X(8) X(7) X(6) X(5) X(4) X(3) X(2) X(1)
#define X_OFFSET 128

#include "vec_avx512.h"
#include "int8_avx512.h"

INLINE ivec iprepare(ivec xb) { return xb; }
INLINE ivec idot(ivec acc, ivec xu, ivec xb, ivec w) {
    (void) xb;
    return _mm512_dpbusd_epi32(acc, xu, w);
}

#include "int8_linear_body.h"
