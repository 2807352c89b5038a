/* The float vector operations over 8-float ymm registers that the kernels' bodies are written in. */
#include <immintrin.h>
#include <stdint.h>

typedef __m256 vec;
typedef __m256i vmask;   /* all ones in the lanes to load or store */
typedef __m256i vindex;

#define INLINE static inline __attribute__((always_inline))

/* lanes 0 .. count - 1, for the columns left at a panel's right edge */
INLINE vmask first_lanes(int64_t count) {
    int c = count >= LANES ? LANES : count <= 0 ? 0 : (int) count;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(c), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
INLINE vec vset1(float f) { return _mm256_set1_ps(f); }
INLINE vec vload(const float *p) { return _mm256_load_ps(p); }
INLINE vec vloadu(const float *p) { return _mm256_loadu_ps(p); }
INLINE void vstore(float *p, vec v) { _mm256_store_ps(p, v); }
INLINE void vstoreu(float *p, vec v) { _mm256_storeu_ps(p, v); }
INLINE vec vload_masked(const float *p, vmask m) { return _mm256_maskload_ps(p, m); }
INLINE void vstore_masked(float *p, vmask m, vec v) { _mm256_maskstore_ps(p, m, v); }
INLINE vec vadd(vec a, vec b) { return _mm256_add_ps(a, b); }
INLINE vec vsub(vec a, vec b) { return _mm256_sub_ps(a, b); }
INLINE vec vmul(vec a, vec b) { return _mm256_mul_ps(a, b); }
INLINE vec vdiv(vec a, vec b) { return _mm256_div_ps(a, b); }
INLINE vec vmax(vec a, vec b) { return _mm256_max_ps(a, b); }
INLINE vec vfmadd(vec a, vec b, vec c) { return _mm256_fmadd_ps(a, b, c); }    /* a b + c */
INLINE vec vfnmadd(vec a, vec b, vec c) { return _mm256_fnmadd_ps(a, b, c); }  /* c - a b */
INLINE vec vabs(vec x) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x); }
INLINE vec vround(vec x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }

/* mag (>= 0) with the sign of from */
INLINE vec vwith_sign(vec mag, vec from) { return _mm256_or_ps(mag, _mm256_and_ps(from, _mm256_set1_ps(-0.0f))); }

/*
 * p 2^n for whole n in [-126, 127]: AVX2 has no scalef, so 2^n is built from its bits, (n + 127) << 23.
 * exp's clamp at -87 keeps n >= -126, where 2^n is still a normal float; the product then rounds as
 * scalef's does, so the two variants' GELU agree bit for bit.
 */
INLINE vec vldexp(vec p, vec n) {
    __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

/* (first + lane) k: the offsets of W's rows first .. first + 7, k floats apart */
INLINE vindex row_offsets(int first, int64_t k) {
    return _mm256_mullo_epi32(_mm256_add_epi32(_mm256_set1_epi32(first), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)),
                              _mm256_set1_epi32((int) k));
}

/* base[offset] per lane, 0 in the lanes outside m */
INLINE vec vgather(const float *base, vindex offsets, vmask m) {
    return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), base, offsets, _mm256_castsi256_ps(m), 4);
}
