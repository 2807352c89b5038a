/*
 * y = act(x W^T + b) + residual for a few rows of x, with W packed once into column panels: the product
 * behind headwise's CPU inference at small batches (docs/performance.md, "2026-12-03").
 *
 * Why: at 64 rows a BLAS call spends about a third of its time repacking the weight it is handed, and in a
 * whole forward every weight arrives from L3. Packing once and streaming panels straight into the kernel
 * removes the copy; each thread prefetches its next panel while it computes the current one.
 *
 * Layout: W (n, k) row-major, as PyTorch stores a Linear weight. Panel p holds columns 48p..48p+47 of W^T
 * as k rows of 48 floats (zero beyond n), so one step of the inner loop reads 192 contiguous bytes.
 * Threads split the panels, so each core streams its own share of the weight; rows are tiled by 8
 * (24 accumulators in AVX-512 registers). Built for any x86-64; the kernel runs only where the CPU has
 * AVX-512F, which the caller checks through hw_packed_linear_supported().
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <omp.h>

#define VECTORS 3              /* 16-float registers per panel row */
#define PANEL (16 * VECTORS)   /* columns per panel */
#define TILE 8                 /* rows per register tile */
#define ROW_BLOCK 256          /* rows per pass over the panels, so x's block stays in L2 */

#define AVX512 __attribute__((target("avx512f,fma")))

int hw_packed_linear_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

int64_t hw_packed_linear_floats(int64_t n, int64_t k) {
    return (n + PANEL - 1) / PANEL * PANEL * k;
}

/* Room for a packed (n, k) weight, 64-byte aligned and not zeroed (packing writes every float); NULL if none. */
float *hw_packed_linear_alloc(int64_t n, int64_t k) {
    return aligned_alloc(64, (size_t) hw_packed_linear_floats(n, k) * sizeof(float));
}

void hw_packed_linear_free(float *packed) {
    free(packed);
}

/*
 * Panel p, row kk is W[48p .. 48p+47][kk]: three 16-lane gathers down W's columns, one 192-byte store. The
 * gathers walk 48 rows of W in step, which the prefetchers follow; a scalar copy ran at a third the speed.
 */
static AVX512 void pack_panel(const float *w, int64_t n, int64_t k, int64_t p, float *dst) {
    int64_t width = n - p * PANEL < PANEL ? n - p * PANEL : PANEL;
    const float *rows = w + p * PANEL * k;
    for (int v = 0; v < VECTORS; v++) {
        int64_t left = width - 16 * v;
        __mmask16 mask = left >= 16 ? 0xFFFF : left <= 0 ? 0 : (__mmask16) ((1u << left) - 1);
        __m512i index = _mm512_mullo_epi32(_mm512_add_epi32(_mm512_set1_epi32(16 * v),
                _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)), _mm512_set1_epi32((int) k));
        for (int64_t kk = 0; kk < k; kk++) {
            __m512 col = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask, index, rows + kk, 4);
            _mm512_store_ps(dst + kk * PANEL + 16 * v, col);
        }
    }
}

AVX512 void hw_packed_linear_pack(const float *w, int64_t n, int64_t k, float *packed) {
    int64_t panels = (n + PANEL - 1) / PANEL;
    #pragma omp parallel for schedule(static)
    for (int64_t p = 0; p < panels; p++) pack_panel(w, n, k, p, packed + p * k * PANEL);
}

enum { ACT_NONE = 0, ACT_GELU = 1, ACT_RELU = 2 };

/* e^x for x <= 0: Cephes' expf (x = n ln2 + r, a degree-6 polynomial in r, then scaled by 2^n), about 1 ulp. */
static inline __attribute__((always_inline)) AVX512 __m512 exp_neg(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(-87.0f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

/*
 * HF's "gelu", 0.5 x (1 + erf(x / sqrt 2)), with erf as libtorch's vectorised CPU kernel computes it
 * (Abramowitz and Stegun 7.1.26: 1 - t (p1 + p2 t + ... + p5 t^4) e^(-u^2), t = 1 / (1 + 0.3275911 u)).
 */
static inline __attribute__((always_inline)) AVX512 __m512 gelu(__m512 x) {
    __m512 u = _mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752f));
    __m512 a = _mm512_abs_ps(u);
    __m512 t = _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_fmadd_ps(_mm512_set1_ps(0.3275911f), a, _mm512_set1_ps(1.0f)));
    __m512 poly = _mm512_fmadd_ps(_mm512_set1_ps(1.061405429f), t, _mm512_set1_ps(-1.453152027f));
    poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(1.421413741f));
    poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(-0.284496736f));
    poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(0.254829592f));
    __m512 e = exp_neg(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_mul_ps(u, u)));
    __m512 erf_abs = _mm512_fnmadd_ps(_mm512_mul_ps(poly, t), e, _mm512_set1_ps(1.0f));
    __m512 erf = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(erf_abs),
            _mm512_and_si512(_mm512_castps_si512(u), _mm512_set1_epi32((int) 0x80000000u))));
    return _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), x), _mm512_add_ps(erf, _mm512_set1_ps(1.0f)));
}

static inline __attribute__((always_inline)) AVX512 __m512 activate(__m512 x, int act) {
    return act == ACT_GELU ? gelu(x) : act == ACT_RELU ? _mm512_max_ps(x, _mm512_setzero_ps()) : x;
}

/*
 * rows (<= TILE) rows of y, one panel wide: bias, then the k-long dot products in k order, then the
 * activation (the feed-forward's, fused here to save a pass over its widest tensor), then the residual
 * (a block's skip connection, NULL for none; laid out as y). Meanwhile it asks
 * for `count` cache lines from `prefetch` on into L2, spread evenly over the k steps.
 */
static inline __attribute__((always_inline)) AVX512 void tile(int rows, const float *x, int64_t k,
        const float *panel, const float *bias, float *y, int64_t n, const __mmask16 *mask,
        const char *prefetch, int64_t count, int act, const float *res) {
    int64_t due = 0;
    __m512 acc[TILE][VECTORS];
    for (int v = 0; v < VECTORS; v++) {
        __m512 b = _mm512_maskz_loadu_ps(mask[v], bias + 16 * v);
        for (int i = 0; i < rows; i++) acc[i][v] = b;
    }
    for (int64_t kk = 0; kk < k; kk++) {
        __m512 w[VECTORS];
        for (int v = 0; v < VECTORS; v++) w[v] = _mm512_load_ps(panel + kk * PANEL + 16 * v);
        for (due += count; due >= k; due -= k, prefetch += 64) _mm_prefetch(prefetch, _MM_HINT_T1);
        for (int i = 0; i < rows; i++) {
            __m512 xi = _mm512_set1_ps(x[i * k + kk]);
            for (int v = 0; v < VECTORS; v++) acc[i][v] = _mm512_fmadd_ps(xi, w[v], acc[i][v]);
        }
    }
    for (int i = 0; i < rows; i++) {
        for (int v = 0; v < VECTORS; v++) {
            __m512 out = activate(acc[i][v], act);
            if (res) out = _mm512_add_ps(out, _mm512_maskz_loadu_ps(mask[v], res + i * n + 16 * v));
            _mm512_mask_storeu_ps(y + i * n + 16 * v, mask[v], out);
        }
    }
}

/*
 * All m rows of y for one panel (columns col..col+47, fewer at the right edge), prefetching `next` (the
 * thread's next panel, or NULL) evenly over the tiles: a panel streamed from L3 by the first tile alone
 * would hold that tile to L3's bandwidth, about half the rate its products need.
 */
static AVX512 void panel_rows(const float *x, int64_t m, int64_t k, const float *panel, const float *bias,
                              float *y, int64_t n, int64_t col, const float *next, int act, const float *res) {
    __mmask16 mask[VECTORS];
    for (int v = 0; v < VECTORS; v++) {
        int64_t left = n - col - 16 * v;
        mask[v] = left >= 16 ? 0xFFFF : left <= 0 ? 0 : (__mmask16) ((1u << left) - 1);
    }
    int64_t lines = next ? k * PANEL * (int64_t) sizeof(float) / 64 : 0;
    int64_t tiles = (m + TILE - 1) / TILE;
    int64_t share = (lines + tiles - 1) / tiles;                /* lines each tile prefetches */
    for (int64_t i = 0; i < m; i += TILE) {
        const float *xi = x + i * k;
        float *yi = y + i * n + col;
        const float *ri = res ? res + i * n + col : NULL;
        int64_t done = i / TILE * share;
        int64_t count = lines - done < share ? lines - done : share;
        const char *pf = next ? (const char *) next + done * 64 : NULL;
        /* a constant row count per case, so each tile keeps its accumulators in registers */
        switch (m - i < TILE ? m - i : TILE) {
            case 8: tile(8, xi, k, panel, bias + col, yi, n, mask, pf, count, act, ri); break;
            case 7: tile(7, xi, k, panel, bias + col, yi, n, mask, pf, count, act, ri); break;
            case 6: tile(6, xi, k, panel, bias + col, yi, n, mask, pf, count, act, ri); break;
            case 5: tile(5, xi, k, panel, bias + col, yi, n, mask, pf, count, act, ri); break;
            case 4: tile(4, xi, k, panel, bias + col, yi, n, mask, pf, count, act, ri); break;
            case 3: tile(3, xi, k, panel, bias + col, yi, n, mask, pf, count, act, ri); break;
            case 2: tile(2, xi, k, panel, bias + col, yi, n, mask, pf, count, act, ri); break;
            default: tile(1, xi, k, panel, bias + col, yi, n, mask, pf, count, act, ri); break;
        }
    }
}

/*
 * y (m, n) = act(x (m, k) W^T + bias (n)) + res (m, n), all contiguous fp32; W as packed by
 * hw_packed_linear_pack; act 0 for none, 1 for GELU (erf), 2 for ReLU; res NULL for none.
 * Runs on the calling thread's OpenMP runtime (libtorch's libgomp) with up to `threads` threads.
 */
AVX512 void hw_packed_linear(const float *x, int64_t m, int64_t k, const float *packed, const float *bias,
                             const float *res, float *y, int64_t n, int act, int threads) {
    int64_t panels = (n + PANEL - 1) / PANEL;
    #pragma omp parallel num_threads(threads) if (threads > 1)
    {
        int t = omp_get_thread_num(), team = omp_get_num_threads();
        int64_t first = panels * t / team, end = panels * (t + 1) / team;
        for (int64_t i0 = 0; i0 < m; i0 += ROW_BLOCK) {
            int64_t rows = m - i0 < ROW_BLOCK ? m - i0 : ROW_BLOCK;
            for (int64_t p = first; p < end; p++) {
                const float *next = p + 1 < end ? packed + (p + 1) * k * PANEL : NULL;
                panel_rows(x + i0 * k, rows, k, packed + p * k * PANEL, bias, y + i0 * n, n, p * PANEL, next, act,
                           res ? res + i0 * n : NULL);
            }
        }
    }
}
