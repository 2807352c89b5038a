/*
 * The int8 kernel for AMX-INT8 (Intel Sapphire Rapids and later): tdpbusd multiplies a 16 x 64 tile of x's
 * bytes by a 64 x 16 tile of W's into a 16 x 16 tile of int32 sums. Each step of the loop over k computes a
 * 32 x 32 block of y in four accumulator tiles (tmm0-3) from two tiles of x (tmm4-5) and two of W (tmm6-7).
 * The weight layout is the vector variants' (int8_layout.h) with 16-column panels, k padded to 64 (a tile's
 * depth) and n to 32: a panel's 16 groups of 16 x 4 bytes for 64 consecutive k are exactly one B tile, rows
 * 64 bytes apart. x's bytes carry xq + 128, as tdpbusd takes them unsigned, and the stores are the vector
 * variants' (the same integers, scales, bias, activation and residual, in AVX-512), so every variant's
 * outputs are the same.
 */
#pragma GCC target("avx512f,avx512bw,avx512vnni,fma,amx-tile,amx-int8")
#define VARIANT(name) name##_amx
#define LANES 16
#define VECTORS 1
#define K_ALIGN 64
#define N_ALIGN 32
#define X_OFFSET 128

#include "vec_avx512.h"
#include "int8_avx512.h"
#include "int8_layout.h"
#include "activation.h"

#define BLOCK 32    /* rows and columns of y per block of four tiles */

/* The tile shapes: every tile 16 rows of 64 bytes (palette 1's layout of _tile_loadconfig's argument). */
typedef struct {
    uint8_t palette;
    uint8_t start_row;
    uint8_t reserved[14];
    uint16_t bytes_per_row[16];
    uint8_t rows[16];
} tile_config;

static void configure_tiles(void) {
    tile_config config;
    memset(&config, 0, sizeof config);
    config.palette = 1;
    for (int t = 0; t < 8; t++) {
        config.bytes_per_row[t] = 64;
        config.rows[t] = 16;
    }
    _tile_loadconfig(&config);
}

/*
 * The int32 sums of a block: rows 0-31 of xq (kq bytes apart) times the two panels at w (16 columns each,
 * kq x 16 bytes apart), into sums (32 rows of 32 int32: [0, 16) from the first panel, [16, 32) the second).
 */
static void block_sums(const int8_t *xq, int64_t kq, const int8_t *w, int32_t *sums) {
    const int8_t *w2 = w + kq * 16;
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
    for (int64_t kk = 0; kk < kq; kk += 64) {
        _tile_loadd(4, xq + kk, kq);
        _tile_loadd(5, xq + 16 * kq + kk, kq);
        _tile_loadd(6, w + kk * 16, 64);
        _tile_loadd(7, w2 + kk * 16, 64);
        _tile_dpbusd(0, 4, 6);
        _tile_dpbusd(1, 4, 7);
        _tile_dpbusd(2, 5, 6);
        _tile_dpbusd(3, 5, 7);
    }
    _tile_stored(0, sums, BLOCK * 4);
    _tile_stored(1, sums + 16, BLOCK * 4);
    _tile_stored(2, sums + 16 * BLOCK, BLOCK * 4);
    _tile_stored(3, sums + 16 * BLOCK + 16, BLOCK * 4);
}

/* rows (<= 32) rows and the columns col .. col + 31 (fewer at the right edge) of y from a block's sums. */
static void store_block(const int32_t *sums, int rows, const float *xs, const float *ws, const int32_t *comp,
                        const float *bias, float *y, int64_t n, int64_t col, int act, const float *res) {
    for (int half = 0; half < 2; half++) {
        int64_t c0 = col + 16 * half;
        vmask mask = first_lanes(n - c0);
        if (!mask) break;
        vec scale = vload(ws + c0);
        vec b = vload_masked(bias + c0, mask);
        ivec c = iload((const int8_t *) (comp + c0));
        for (int i = 0; i < rows; i++) {
            ivec acc = iload((const int8_t *) (sums + i * BLOCK + 16 * half));
            vec out = vfmadd(itofloat(isub(acc, c)), vmul(vset1(xs[i]), scale), b);
            out = activate(out, act);
            if (res) out = vadd(out, vload_masked(res + i * n + c0, mask));
            vstore_masked(y + i * n + c0, mask, out);
        }
    }
}

/*
 * As the vector variants' hw_int8_linear (int8_linear_body.h). x's bytes are padded with rows of zeros to
 * whole blocks; the threads quantize a share of the rows each, then compute a share of the blocks of
 * columns, each holding the tile configuration for the call.
 */
int VARIANT(hw_int8_linear)(const float *x, int64_t m, int64_t k, const int8_t *packed, const float *bias,
                            const float *res, float *y, int64_t n, int act, int threads) {
    int64_t kq = padded_k(k), np = padded_n(n), mp = (m + BLOCK - 1) / BLOCK * BLOCK, columns = np / BLOCK;
    const float *ws = (const float *) (packed + line_up(np * kq));
    const int32_t *comp = (const int32_t *) ((const char *) ws + line_up(np * (int64_t) sizeof(float)));
    int8_t *xq = aligned_alloc(64, line_up(mp * kq));
    float *xs = malloc(m * sizeof(float));
    if (!xq || !xs) {
        free(xq);
        free(xs);
        return -1;
    }
    memset(xq + m * kq, 0, (size_t) ((mp - m) * kq));
    #pragma omp parallel num_threads(threads) if (threads > 1)
    {
        int t = omp_get_thread_num(), team = omp_get_num_threads();
        for (int64_t i = m * t / team; i < m * (t + 1) / team; i++) quantize_row(x + i * k, k, kq, xq + i * kq, xs + i);
        #pragma omp barrier
        configure_tiles();
        int32_t sums[BLOCK * BLOCK] __attribute__((aligned(64)));
        int64_t first = columns * t / team, end = columns * (t + 1) / team;
        for (int64_t i0 = 0; i0 < m; i0 += ROW_BLOCK) {
            int64_t rows = m - i0 < ROW_BLOCK ? m - i0 : ROW_BLOCK;
            for (int64_t p = first; p < end; p++) {
                for (int64_t i = i0; i < i0 + rows; i += BLOCK) {
                    block_sums(xq + i * kq, kq, packed + p * 2 * kq * 16, sums);
                    store_block(sums, m - i < BLOCK ? (int) (m - i) : BLOCK, xs + i, ws, comp, bias, y + i * n, n,
                                p * BLOCK, act, res ? res + i * n : NULL);
                }
            }
        }
        _tile_release();
    }
    free(xq);
    free(xs);
    return 0;
}
