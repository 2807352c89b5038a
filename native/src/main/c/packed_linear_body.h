/*
 * y = act(x W^T + b) + residual for a few rows of x, with W packed once into column panels: the product
 * behind headwise's CPU inference at small batches (docs/performance.md, "2026-12-03").
 *
 * Why: at 64 rows a BLAS call spends about a third of its time repacking the weight it is handed, and in a
 * whole forward every weight arrives from L3. Packing once and streaming panels straight into the kernel
 * removes the copy; each thread prefetches its next panel while it computes the current one.
 *
 * Layout: W (n, k) row-major, as PyTorch stores a Linear weight. Panel p holds columns PANEL p .. PANEL p +
 * PANEL - 1 of W^T as k rows of PANEL floats (zero beyond n), so one step of the inner loop reads one
 * contiguous panel row. Threads split the panels, so each core streams its own share of the weight; rows
 * are tiled by TILE, a tile's accumulators held in registers.
 *
 * Written once over the vector operations of the file that includes it (packed_linear_avx512.c,
 * packed_linear_avx2.c), so that both variants sum in the same order and compute the same GELU. The
 * includer sets LANES (floats a register), VECTORS (registers a panel row), TILE, TILE_ROWS (X(TILE) ..
 * X(1)), VARIANT (adds its suffix to an exported name), the types vec, vmask and vindex, and the INLINE
 * operations used below. Each includer is compiled for its instruction set; the caller checks that the CPU
 * has it (packed_linear.c) before calling in.
 */
#include <stdint.h>
#include <omp.h>
#include "activation.h"

#define PANEL (LANES * VECTORS)   /* columns per panel */
#define ROW_BLOCK 256             /* rows per pass over the panels, so x's block stays in L2 */

int64_t VARIANT(hw_packed_linear_floats)(int64_t n, int64_t k) {
    return (n + PANEL - 1) / PANEL * PANEL * k;
}

/*
 * Panel p, row kk is W[PANEL p ..][kk]: VECTORS gathers down W's columns, one panel row stored. The gathers
 * walk PANEL rows of W in step, which the prefetchers follow; a scalar copy ran at a third the speed.
 */
static void pack_panel(const float *w, int64_t n, int64_t k, int64_t p, float *dst) {
    const float *rows = w + p * PANEL * k;
    for (int v = 0; v < VECTORS; v++) {
        vmask mask = first_lanes(n - p * PANEL - LANES * v);
        vindex offsets = row_offsets(LANES * v, k);
        for (int64_t kk = 0; kk < k; kk++) vstore(dst + kk * PANEL + LANES * v, vgather(rows + kk, offsets, mask));
    }
}

void VARIANT(hw_packed_linear_pack)(const float *w, int64_t n, int64_t k, float *packed) {
    int64_t panels = (n + PANEL - 1) / PANEL;
    #pragma omp parallel for schedule(static)
    for (int64_t p = 0; p < panels; p++) pack_panel(w, n, k, p, packed + p * k * PANEL);
}

/*
 * rows (<= TILE) rows of y, one panel wide: bias, then the k-long dot products in k order, then the
 * activation (the feed-forward's, fused here to save a pass over its widest tensor), then the residual
 * (a block's skip connection, NULL for none; laid out as y). Meanwhile it asks
 * for `count` cache lines from `prefetch` on into L2, spread evenly over the k steps.
 */
INLINE void tile(int rows, const float *x, int64_t k, const float *panel, const float *bias, float *y, int64_t n,
                 const vmask *mask, const char *prefetch, int64_t count, int act, const float *res) {
    int64_t due = 0;
    vec acc[TILE][VECTORS];
    for (int v = 0; v < VECTORS; v++) {
        vec b = vload_masked(bias + LANES * v, mask[v]);
        for (int i = 0; i < rows; i++) acc[i][v] = b;
    }
    for (int64_t kk = 0; kk < k; kk++) {
        vec w[VECTORS];
        for (int v = 0; v < VECTORS; v++) w[v] = vload(panel + kk * PANEL + LANES * v);
        for (due += count; due >= k; due -= k, prefetch += 64) _mm_prefetch(prefetch, _MM_HINT_T1);
        for (int i = 0; i < rows; i++) {
            vec xi = vset1(x[i * k + kk]);
            for (int v = 0; v < VECTORS; v++) acc[i][v] = vfmadd(xi, w[v], acc[i][v]);
        }
    }
    for (int i = 0; i < rows; i++) {
        for (int v = 0; v < VECTORS; v++) {
            vec out = activate(acc[i][v], act);
            if (res) out = vadd(out, vload_masked(res + i * n + LANES * v, mask[v]));
            vstore_masked(y + i * n + LANES * v, mask[v], out);
        }
    }
}

/*
 * All m rows of y for one panel (columns col .. col + PANEL - 1, fewer at the right edge), prefetching
 * `next` (the thread's next panel, or NULL) evenly over the tiles: a panel streamed from L3 by the first
 * tile alone would hold that tile to L3's bandwidth, about half the rate its products need.
 */
static void panel_rows(const float *x, int64_t m, int64_t k, const float *panel, const float *bias,
                       float *y, int64_t n, int64_t col, const float *next, int act, const float *res) {
    vmask mask[VECTORS];
    for (int v = 0; v < VECTORS; v++) mask[v] = first_lanes(n - col - LANES * v);
    /* the cache lines the next panel touches; with odd k a narrow panel need not start on a line */
    const char *first_line = next ? (const char *) ((uintptr_t) next & ~(uintptr_t) 63) : NULL;
    int64_t lines = next ? ((const char *) next - first_line + k * PANEL * (int64_t) sizeof(float) + 63) / 64 : 0;
    int64_t tiles = (m + TILE - 1) / TILE;
    int64_t share = (lines + tiles - 1) / tiles;                /* lines each tile prefetches */
    for (int64_t i = 0; i < m; i += TILE) {
        const float *xi = x + i * k;
        float *yi = y + i * n + col;
        const float *ri = res ? res + i * n + col : NULL;
        int64_t done = i / TILE * share;
        int64_t count = lines - done < share ? lines - done : share;
        const char *pf = next ? first_line + done * 64 : NULL;
        /* a constant row count per case, so each tile keeps its accumulators in registers */
#define TILE_CASE(r) case r: tile(r, xi, k, panel, bias + col, yi, n, mask, pf, count, act, ri); break;
        switch (m - i < TILE ? m - i : TILE) {
            TILE_ROWS(TILE_CASE)
        }
#undef TILE_CASE
    }
}

/*
 * y (m, n) = act(x (m, k) W^T + bias (n)) + res (m, n), all contiguous fp32; W as packed by
 * hw_packed_linear_pack; act 0 for none, 1 for GELU (erf), 2 for ReLU; res NULL for none.
 * Runs on the calling thread's OpenMP runtime (libtorch's libgomp) with up to `threads` threads.
 */
void VARIANT(hw_packed_linear)(const float *x, int64_t m, int64_t k, const float *packed, const float *bias,
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
