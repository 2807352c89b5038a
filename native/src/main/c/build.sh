#!/bin/sh
# Builds libheadwise_kernels.so into $1 (run by Maven in process-resources).
# Baseline x86-64 code, except the kernels' variants, each compiled for its instruction set (a target
# pragma per file) and used only where the CPU has it.
set -eu
out="$1"
src="$(dirname "$0")"
mkdir -p "$out"
${CC:-gcc} -O3 -std=c11 -fPIC -shared -fopenmp -Wall -Wextra -Werror -o "$out/libheadwise_kernels.so" \
    "$src/packed_linear.c" "$src/packed_linear_avx512.c" "$src/packed_linear_avx2.c" \
    "$src/int8_linear.c" "$src/int8_linear_avx2.c" "$src/int8_linear_avxvnni.c" "$src/int8_linear_avx512vnni.c" "$src/int8_linear_amx.c" -lm
