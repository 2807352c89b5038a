/*
 * The int8 kernel's weight layout and input quantization, shared by its vector variants (int8_linear_body.h)
 * and its AMX variant (int8_linear_amx.c); the layout and the numbers are described in int8_linear_body.h.
 * The includer sets LANES, VECTORS, VARIANT, X_OFFSET, quantize_block and the float operations, and may set
 * K_ALIGN (what k is padded to, 4 unless set) and N_ALIGN (what n is padded to, a whole panel unless set).
 */
#ifndef HW_INT8_LAYOUT_H
#define HW_INT8_LAYOUT_H
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>

#define PANEL (LANES * VECTORS)   /* columns per panel */
#define ROW_BLOCK 256             /* rows per pass over the panels, so x's block stays in L2 */

#ifndef K_ALIGN
#define K_ALIGN 4
#endif
#ifndef N_ALIGN
#define N_ALIGN PANEL
#endif

static int64_t padded_k(int64_t k) { return (k + K_ALIGN - 1) / K_ALIGN * K_ALIGN; }
static int64_t padded_n(int64_t n) { return (n + N_ALIGN - 1) / N_ALIGN * N_ALIGN; }
static int64_t line_up(int64_t bytes) { return (bytes + 63) / 64 * 64; }

int64_t VARIANT(hw_int8_linear_bytes)(int64_t n, int64_t k) {
    return line_up(padded_n(n) * padded_k(k)) + line_up(padded_n(n) * (int64_t) sizeof(float))
            + padded_n(n) * (int64_t) sizeof(int32_t);
}

/* Quantizes each row of W into its panel column, with its scale and its comp (zeros past n). */
void VARIANT(hw_int8_linear_pack)(const float *w, int64_t n, int64_t k, int8_t *packed) {
    int64_t kq = padded_k(k), np = padded_n(n);
    float *ws = (float *) (packed + line_up(np * kq));
    int32_t *comp = (int32_t *) ((char *) ws + line_up(np * (int64_t) sizeof(float)));
    #pragma omp parallel for schedule(static)
    for (int64_t j = 0; j < np; j++) {
        int8_t *dst = packed + j / PANEL * kq * PANEL + j % PANEL * 4;
        const float *row = w + j * k;
        float max = 0.0f;
        for (int64_t kk = 0; j < n && kk < k; kk++) max = fmaxf(max, fabsf(row[kk]));
        float inv = max > 0.0f ? 127.0f / max : 0.0f;
        int32_t sum = 0;
        for (int64_t kk = 0; kk < kq; kk++) {
            int q = j < n && kk < k ? (int) rintf(row[kk] * inv) : 0;
            dst[kk / 4 * PANEL * 4 + kk % 4] = (int8_t) q;
            sum += q;
        }
        ws[j] = max / 127.0f;
        comp[j] = X_OFFSET * sum;
    }
}

/* Row x (k floats) to kq bytes of xq + X_OFFSET (zeros past k) and its scale. */
static void quantize_row(const float *x, int64_t k, int64_t kq, int8_t *q, float *scale) {
    vec vmx = vset1(0.0f);
    int64_t kk = 0;
    for (; kk + LANES <= k; kk += LANES) vmx = vmax(vmx, vabs(vloadu(x + kk)));
    float lanes[LANES], max = 0.0f;
    vstoreu(lanes, vmx);
    for (int l = 0; l < LANES; l++) max = fmaxf(max, lanes[l]);
    for (; kk < k; kk++) max = fmaxf(max, fabsf(x[kk]));
    float inv = max > 0.0f ? 127.0f / max : 0.0f;
    *scale = max / 127.0f;
    vec vinv = vset1(inv);
    for (kk = 0; kk + 4 * LANES <= k; kk += 4 * LANES) quantize_block(x + kk, vinv, q + kk);
    for (; kk < k; kk++) ((uint8_t *) q)[kk] = (uint8_t) ((int) rintf(x[kk] * inv) + X_OFFSET);
    for (; kk < kq; kk++) ((uint8_t *) q)[kk] = (uint8_t) X_OFFSET;
}

#endif
