/*
 * Which variants of the int8 kernel (int8_linear_body.h) this CPU runs, in baseline x86-64 code: the caller
 * asks before calling any other function of a variant.
 */
int hw_int8_linear_supported_avx512vnni(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vnni");
}

int hw_int8_linear_supported_avxvnni(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avxvnni");
}

int hw_int8_linear_supported_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
