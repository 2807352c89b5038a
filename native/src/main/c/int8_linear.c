#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

/*
 * Which variants of the int8 kernel (int8_linear_body.h) this CPU runs, in baseline x86-64 code: the caller
 * asks before calling any other function of a variant.
 */
/*
 * AMX needs the kernel's leave as well as the CPU's: Linux keeps a thread's tile registers out of its saved
 * state until the process asks for them (arch_prctl ARCH_REQ_XCOMP_PERM, once per process).
 */
int hw_int8_linear_supported_amx(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("amx-tile")
            && __builtin_cpu_supports("amx-int8")
            && syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
}

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
