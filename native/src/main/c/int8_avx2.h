/*
 * The int32 operations over ymm registers that int8_linear_body.h is written in, shared by the AVX2 and
 * AVX-VNNI variants (which add iprepare and idot, their dot step), and quantize_block.
 */
#include <string.h>

typedef __m256i ivec;

INLINE ivec izero(void) { return _mm256_setzero_si256(); }
INLINE ivec iload(const int8_t *p) { return _mm256_load_si256((const __m256i *) p); }
INLINE ivec isub(ivec a, ivec b) { return _mm256_sub_epi32(a, b); }
INLINE vec itofloat(ivec a) { return _mm256_cvtepi32_ps(a); }

/* p's 4 bytes in every lane */
INLINE ivec ibroadcast4(const int8_t *p) {
    int32_t four;
    memcpy(&four, p, sizeof four);
    return _mm256_set1_epi32(four);
}

/*
 * 32 floats of x, times inv, rounded to the nearest integer (ties to even, as rintf) and stored as bytes,
 * plus X_OFFSET. |x inv| <= 127 by the choice of inv, so the saturating packs only narrow.
 */
INLINE void quantize_block(const float *x, vec inv, int8_t *q) {
    __m256i a = _mm256_cvtps_epi32(vmul(vloadu(x), inv)), b = _mm256_cvtps_epi32(vmul(vloadu(x + 8), inv));
    __m256i c = _mm256_cvtps_epi32(vmul(vloadu(x + 16), inv)), d = _mm256_cvtps_epi32(vmul(vloadu(x + 24), inv));
    /* per 128-bit lane: a's 4, b's 4, c's 4, d's 4 bytes of that lane's half; then the halves interleaved */
    __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
    bytes = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    if (X_OFFSET) bytes = _mm256_xor_si256(bytes, _mm256_set1_epi8((char) 0x80));
    _mm256_storeu_si256((__m256i *) q, bytes);
}
