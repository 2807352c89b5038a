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
#include <string.h>

typedef __m512i ivec;

INLINE ivec izero(void) { return _mm512_setzero_si512(); }
INLINE ivec iload(const int8_t *p) { return _mm512_load_si512((const void *) p); }
INLINE ivec isub(ivec a, ivec b) { return _mm512_sub_epi32(a, b); }
INLINE vec itofloat(ivec a) { return _mm512_cvtepi32_ps(a); }
INLINE ivec ibroadcast4(const int8_t *p) {
    int32_t four;
    memcpy(&four, p, sizeof four);
    return _mm512_set1_epi32(four);
}
INLINE ivec iprepare(ivec xb) { return xb; }
INLINE ivec idot(ivec acc, ivec xu, ivec xb, ivec w) {
    (void) xb;
    return _mm512_dpbusd_epi32(acc, xu, w);
}

/* 64 floats of x, times inv, rounded as rintf, to bytes plus 128 (vpmovsdb narrows; |x inv| <= 127) */
INLINE void quantize_block(const float *x, vec inv, int8_t *q) {
    for (int i = 0; i < 4; i++) {
        __m128i bytes = _mm512_cvtsepi32_epi8(_mm512_cvtps_epi32(vmul(vloadu(x + 16 * i), inv)));
        _mm_storeu_si128((__m128i *) (q + 16 * i), _mm_xor_si128(bytes, _mm_set1_epi8((char) 0x80)));
    }
}

#include "int8_linear_body.h"
