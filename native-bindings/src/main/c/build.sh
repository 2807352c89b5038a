#!/bin/sh
# Builds libheadwise_kernels.so into $1 (run by Maven in process-resources).
# Baseline x86-64 code: the AVX-512 kernel is compiled per function and used only where the CPU has it.
set -eu
out="$1"
src="$(dirname "$0")"
mkdir -p "$out"
${CC:-gcc} -O3 -std=c11 -fPIC -shared -fopenmp -Wall -Wextra -Werror \
    -o "$out/libheadwise_kernels.so" "$src/packed_linear.c"
