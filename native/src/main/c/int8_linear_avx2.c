/*
 * The int8 kernel for AVX2 (AMD Zen 2 and 3, Intel before VNNI): 8 int32 lanes, 16-column panels (2
 * registers a panel row), rows tiled by 4. AVX2 has no 4-byte dot instruction: a step takes vpsignb (x's sign
 * onto W), vpmaddubsw (|x| times that, adjacent pairs summed to int16: at most 2 x 127 x 127, so never
 * saturated) and vpmaddwd (pairs to int32). With the 8 accumulators, the panel row, x's broadcast, |x| and a
 * temporary that fills 14 of the 16 ymm registers. int8_linear_body.h is the kernel.
 */
#pragma GCC target("avx2,fma")
#define VARIANT(name) name##_avx2
#define LANES 8
#define VECTORS 2
#define TILE 4
#define TILE_ROWS(X) X(4) X(3) X(2) X(1)
#define X_OFFSET 0

#include "vec_avx2.h"
#include "int8_avx2.h"

INLINE ivec iprepare(ivec xb) { return _mm256_sign_epi8(xb, xb); }   /* |x|, as unsigned bytes */
INLINE ivec idot(ivec acc, ivec xabs, ivec xb, ivec w) {
    __m256i pairs = _mm256_maddubs_epi16(xabs, _mm256_sign_epi8(w, xb));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}

#include "int8_linear_body.h"
