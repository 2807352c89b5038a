# Sourced by ./headwise: the native libraries' settings, read once at process start, for a command's workload.
# A variable the caller already set is left as it is.
#
# Every command: libtorch's idle OpenMP workers sleep instead of spinning against OpenBLAS's threads.
# Training commands (train, demo, bench train) also get:
#  - OPENBLAS_THREAD_TIMEOUT=4: OpenBLAS's threads sleep as soon as a product ends instead of spinning for
#    the next one, which left them holding a core while libtorch ran the elementwise ops between products
#    (13% of CPU samples in a training profile). Not for inference: there each small product then waits for
#    its threads to wake.
#  - glibc malloc keeps what a step frees for the next step: one arena (the JVM gives its threads their own
#    arenas, capped at 64 MiB heaps), allocations up to 32 MiB (the most it allows) from the heap rather than
#    fresh mappings, and no trimming. A training run otherwise faults in and zeroes its activations anew each
#    step. It costs a few hundred MiB of resident memory.
# docs/performance.md has the measurements.
hw_native_env() {
  export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
  case "${1:-} ${2:-}" in
    "train "* | "demo "* | "bench train")
      export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"
      export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
      export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
      export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967296}"
      export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}"
      ;;
  esac
}
