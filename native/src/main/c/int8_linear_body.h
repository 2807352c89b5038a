/*
 * y = act(x W^T + b) + residual in int8: headwise's product for `--precision int8` (docs/quantization.md).
 *
 * W (n, k) is quantized once, per output channel and symmetric: ws[j] = max |W[j][.]| / 127 and
 * Wq[j][kk] = rint(W[j][kk] 127 / max |W[j][.]|), in [-127, 127]. Each call quantizes x the same way per row
 * (xs[i], xq), sums xq Wq^T exactly in int32, and stores act(acc (xs[i] ws[j]) + b[j]) (+ residual), the
 * multiply-add fused. Neither side reaches -128, so AVX2's pairwise vpmaddubsw can never saturate.
 *
 * Layout: k padded with zeros to kq, a multiple of 4. Panel p holds columns PANEL p .. PANEL p + PANEL - 1 as
 * kq / 4 groups of PANEL x 4 bytes: in group g, column c's 4 bytes are Wq[PANEL p + c][4 g .. 4 g + 3]. So a
 * register of a panel row carries LANES columns' 4 consecutive weights, which one dot step (VNNI's vpdpbusd,
 * or AVX2's vpmaddubsw and vpmaddwd) multiplies with x's 4 (broadcast) and adds to each column's int32
 * accumulator. After the panels, each at a 64-byte boundary: ws (n rounded up to whole panels, floats), then
 * comp (as many int32), what the variant's dot adds beyond xq Wq^T and is subtracted before scaling:
 * 128 sum(Wq[j]) for VNNI, whose products take unsigned bytes (xq + 128), 0 for AVX2.
 *
 * Written once over the operations of the file that includes it (int8_linear_avx2.c, int8_linear_avxvnni.c,
 * int8_linear_avx512vnni.c), so every variant computes the same integers and the same floats from them. The
 * includer sets, beside vec_avx2.h's or vec_avx512.h's float operations: LANES (int32 lanes a register),
 * VECTORS (registers a panel row), TILE, TILE_ROWS, VARIANT, X_OFFSET (what xq's bytes carry beyond xq), the
 * type ivec and the INLINE operations izero, iload, ibroadcast4, iprepare, idot, isub, itofloat, and
 * quantize_block (4 LANES floats of x, times inv, to bytes).
 */
#include "int8_layout.h"
#include "activation.h"

/*
 * rows (<= TILE) rows of y, one panel wide: the kq-long int32 dot products in register accumulators, then
 * the scales, bias, activation and residual (laid out as y, NULL for none) as each output is stored.
 */
INLINE void tile(int rows, const int8_t *xq, const float *xs, int64_t kq, const int8_t *panel, const float *ws,
                 const int32_t *comp, const float *bias, float *y, int64_t n, const vmask *mask, int act,
                 const float *res) {
    ivec acc[TILE][VECTORS];
    for (int i = 0; i < rows; i++) {
        for (int v = 0; v < VECTORS; v++) acc[i][v] = izero();
    }
    for (int64_t g = 0; g < kq; g += 4) {
        ivec w[VECTORS];
        for (int v = 0; v < VECTORS; v++) w[v] = iload(panel + g * PANEL + LANES * 4 * v);
        for (int i = 0; i < rows; i++) {
            ivec xb = ibroadcast4(xq + i * kq + g);
            ivec xp = iprepare(xb);
            for (int v = 0; v < VECTORS; v++) acc[i][v] = idot(acc[i][v], xp, xb, w[v]);
        }
    }
    for (int v = 0; v < VECTORS; v++) {
        vec scale = vload(ws + LANES * v);
        vec b = vload_masked(bias + LANES * v, mask[v]);
        ivec c = iload((const int8_t *) (comp + LANES * v));
        for (int i = 0; i < rows; i++) {
            vec out = vfmadd(itofloat(isub(acc[i][v], c)), vmul(vset1(xs[i]), scale), b);
            out = activate(out, act);
            if (res) out = vadd(out, vload_masked(res + i * n + LANES * v, mask[v]));
            vstore_masked(y + i * n + LANES * v, mask[v], out);
        }
    }
}

/* All m rows of y for one panel (columns col .. col + PANEL - 1, fewer at the right edge). */
static void panel_rows(const int8_t *xq, const float *xs, int64_t m, int64_t kq, const int8_t *panel,
                       const float *ws, const int32_t *comp, const float *bias, float *y, int64_t n, int64_t col,
                       int act, const float *res) {
    vmask mask[VECTORS];
    for (int v = 0; v < VECTORS; v++) mask[v] = first_lanes(n - col - LANES * v);
    for (int64_t i = 0; i < m; i += TILE) {
        const int8_t *xi = xq + i * kq;
        float *yi = y + i * n + col;
        const float *ri = res ? res + i * n + col : NULL;
        /* a constant row count per case, so each tile keeps its accumulators in registers */
#define TILE_CASE(r) case r: tile(r, xi, xs + i, kq, panel, ws + col, comp + col, bias + col, yi, n, mask, act, ri); break;
        switch (m - i < TILE ? m - i : TILE) {
            TILE_ROWS(TILE_CASE)
        }
#undef TILE_CASE
    }
}

/*
 * y (m, n) = act(x (m, k) W^T + bias (n)) + res (m, n), all contiguous fp32, W as packed by
 * hw_int8_linear_pack; act 0 for none, 1 for GELU (erf), 2 for ReLU; res NULL for none. The threads
 * (up to `threads`, on the calling thread's OpenMP runtime) quantize a share of x's rows each, then compute
 * a share of the panels. Returns 0, or -1 (y untouched) where there is no memory for x's bytes.
 */
int VARIANT(hw_int8_linear)(const float *x, int64_t m, int64_t k, const int8_t *packed, const float *bias,
                            const float *res, float *y, int64_t n, int act, int threads) {
    int64_t kq = padded_k(k), np = padded_n(n), panels = np / PANEL;
    const float *ws = (const float *) (packed + line_up(np * kq));
    const int32_t *comp = (const int32_t *) ((const char *) ws + line_up(np * (int64_t) sizeof(float)));
    int8_t *xq = aligned_alloc(64, line_up(m * kq));
    float *xs = malloc(m * sizeof(float));
    if (!xq || !xs) {
        free(xq);
        free(xs);
        return -1;
    }
    #pragma omp parallel num_threads(threads) if (threads > 1)
    {
        int t = omp_get_thread_num(), team = omp_get_num_threads();
        for (int64_t i = m * t / team; i < m * (t + 1) / team; i++) quantize_row(x + i * k, k, kq, xq + i * kq, xs + i);
        #pragma omp barrier
        int64_t first = panels * t / team, end = panels * (t + 1) / team;
        for (int64_t i0 = 0; i0 < m; i0 += ROW_BLOCK) {
            int64_t rows = m - i0 < ROW_BLOCK ? m - i0 : ROW_BLOCK;
            for (int64_t p = first; p < end; p++) {
                panel_rows(xq + i0 * kq, xs + i0, rows, kq, packed + p * kq * PANEL, ws, comp, bias, y + i0 * n,
                           n, p * PANEL, act, res ? res + i0 * n : NULL);
            }
        }
    }
    free(xq);
    free(xs);
    return 0;
}
