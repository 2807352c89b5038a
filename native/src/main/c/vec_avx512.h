/* The float vector operations over 16-float zmm registers that the kernels' bodies are written in. */
#include <immintrin.h>
#include <stdint.h>

typedef __m512 vec;
typedef __mmask16 vmask;
typedef __m512i vindex;

#define INLINE static inline __attribute__((always_inline))

/* lanes 0 .. count - 1, for the columns left at a panel's right edge */
INLINE vmask first_lanes(int64_t count) {
    return count >= LANES ? 0xFFFF : count <= 0 ? 0 : (vmask) ((1u << count) - 1);
}
INLINE vec vset1(float f) { return _mm512_set1_ps(f); }
INLINE vec vload(const float *p) { return _mm512_load_ps(p); }
INLINE vec vloadu(const float *p) { return _mm512_loadu_ps(p); }
INLINE void vstore(float *p, vec v) { _mm512_store_ps(p, v); }
INLINE void vstoreu(float *p, vec v) { _mm512_storeu_ps(p, v); }
INLINE vec vload_masked(const float *p, vmask m) { return _mm512_maskz_loadu_ps(m, p); }
INLINE void vstore_masked(float *p, vmask m, vec v) { _mm512_mask_storeu_ps(p, m, v); }
INLINE vec vadd(vec a, vec b) { return _mm512_add_ps(a, b); }
INLINE vec vsub(vec a, vec b) { return _mm512_sub_ps(a, b); }
INLINE vec vmul(vec a, vec b) { return _mm512_mul_ps(a, b); }
INLINE vec vdiv(vec a, vec b) { return _mm512_div_ps(a, b); }
INLINE vec vmax(vec a, vec b) { return _mm512_max_ps(a, b); }
INLINE vec vfmadd(vec a, vec b, vec c) { return _mm512_fmadd_ps(a, b, c); }    /* a b + c */
INLINE vec vfnmadd(vec a, vec b, vec c) { return _mm512_fnmadd_ps(a, b, c); }  /* c - a b */
INLINE vec vabs(vec x) { return _mm512_abs_ps(x); }
INLINE vec vround(vec x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }

/* mag (>= 0) with the sign of from; integer ops, as the float ones need AVX-512DQ */
INLINE vec vwith_sign(vec mag, vec from) {
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(mag),
            _mm512_and_si512(_mm512_castps_si512(from), _mm512_set1_epi32((int) 0x80000000u))));
}

/* p 2^n for whole n */
INLINE vec vldexp(vec p, vec n) { return _mm512_scalef_ps(p, n); }

/* (first + lane) k: the offsets of W's rows first .. first + 15, k floats apart */
INLINE vindex row_offsets(int first, int64_t k) {
    return _mm512_mullo_epi32(_mm512_add_epi32(_mm512_set1_epi32(first),
            _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)), _mm512_set1_epi32((int) k));
}

/* base[offset] per lane, 0 in the lanes outside m */
INLINE vec vgather(const float *base, vindex offsets, vmask m) {
    return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, offsets, base, 4);
}
