/*
 * What a kernel applies to each output before storing it, over the float vector operations of the file that
 * includes it (vec_avx2.h, vec_avx512.h): the codes PackedLinearKernel.Epilogue's ordinals send, and
 * the GELU both product kernels (packed_linear_body.h, int8_linear_body.h) fuse into their stores.
 */
#ifndef HW_ACTIVATION_H
#define HW_ACTIVATION_H

enum { ACT_NONE = 0, ACT_GELU = 1, ACT_RELU = 2 };

/* e^x for x <= 0: Cephes' expf (x = n ln2 + r, a degree-6 polynomial in r, then scaled by 2^n), about 1 ulp. */
INLINE vec exp_neg(vec x) {
    x = vmax(x, vset1(-87.0f));
    vec n = vround(vmul(x, vset1(1.44269504088896341f)));
    vec r = vfnmadd(n, vset1(0.693359375f), x);
    r = vfnmadd(n, vset1(-2.12194440e-4f), r);
    vec p = vset1(1.9875691500e-4f);
    p = vfmadd(p, r, vset1(1.3981999507e-3f));
    p = vfmadd(p, r, vset1(8.3334519073e-3f));
    p = vfmadd(p, r, vset1(4.1665795894e-2f));
    p = vfmadd(p, r, vset1(1.6666665459e-1f));
    p = vfmadd(p, r, vset1(5.0000001201e-1f));
    p = vfmadd(vmul(p, r), r, vadd(r, vset1(1.0f)));
    return vldexp(p, n);
}

/*
 * HF's "gelu", 0.5 x (1 + erf(x / sqrt 2)), with erf as libtorch's vectorised CPU kernel computes it
 * (Abramowitz and Stegun 7.1.26: 1 - t (p1 + p2 t + ... + p5 t^4) e^(-u^2), t = 1 / (1 + 0.3275911 u)).
 */
INLINE vec gelu(vec x) {
    vec u = vmul(x, vset1(0.70710678118654752f));
    vec a = vabs(u);
    vec t = vdiv(vset1(1.0f), vfmadd(vset1(0.3275911f), a, vset1(1.0f)));
    vec poly = vfmadd(vset1(1.061405429f), t, vset1(-1.453152027f));
    poly = vfmadd(poly, t, vset1(1.421413741f));
    poly = vfmadd(poly, t, vset1(-0.284496736f));
    poly = vfmadd(poly, t, vset1(0.254829592f));
    vec e = exp_neg(vsub(vset1(0.0f), vmul(u, u)));
    vec erf = vwith_sign(vfnmadd(vmul(poly, t), e, vset1(1.0f)), u);
    return vmul(vmul(vset1(0.5f), x), vadd(erf, vset1(1.0f)));
}

INLINE vec activate(vec x, int act) {
    return act == ACT_GELU ? gelu(x) : act == ACT_RELU ? vmax(x, vset1(0.0f)) : x;
}

#endif
