/*
 * The int32 operations over zmm registers that the int8 kernel is written in, shared by the AVX-512 VNNI
 * variant (which adds iprepare and idot, its dot step) and the AMX variant (whose stores use them), and
 * quantize_block.
 */
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

/* 64 floats of x, times inv, rounded as rintf, to bytes plus 128 (vpmovsdb narrows; |x inv| <= 127) */
INLINE void quantize_block(const float *x, vec inv, int8_t *q) {
    for (int i = 0; i < 4; i++) {
        __m128i bytes = _mm512_cvtsepi32_epi8(_mm512_cvtps_epi32(vmul(vloadu(x + 16 * i), inv)));
        _mm_storeu_si128((__m128i *) (q + 16 * i), _mm_xor_si128(bytes, _mm_set1_epi8((char) 0x80)));
    }
}
