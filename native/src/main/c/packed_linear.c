/*
 * What the variants of the packed kernel share, in baseline x86-64 code: which of them this CPU runs
 * (the caller asks before calling any other function of a variant), and memory for a packed weight.
 * The kernel is packed_linear_body.h, built once per instruction set by packed_linear_avx512.c and
 * packed_linear_avx2.c.
 */
#include <stdint.h>
#include <stdlib.h>

int hw_packed_linear_supported_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

int hw_packed_linear_supported_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/*
 * Room for `floats` floats of packed weight (a variant's hw_packed_linear_floats), 64-byte aligned and not
 * zeroed (packing writes every float); NULL if none. Rounded up to whole cache lines, as aligned_alloc asks.
 */
float *hw_packed_linear_alloc(int64_t floats) {
    return aligned_alloc(64, ((size_t) floats * sizeof(float) + 63) / 64 * 64);
}

void hw_packed_linear_free(float *packed) {
    free(packed);
}
