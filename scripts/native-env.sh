# Sourced by ./headwise: the native libraries' settings, read once at process start, for a command's workload.
# A variable the caller already set is left as it is.
#
# BLAS (HEADWISE_BLAS, default mkl): libtorch's products run on Intel MKL, which the launcher has JavaCPP load
# in OpenBLAS's place (-Dorg.bytedeco.openblas.load=mkl_rt) with its threads on libgomp, the OpenMP runtime
# libtorch's own ops use (MKL_THREADING_LAYER=GNU): one pool of threads instead of two. HEADWISE_BLAS=openblas
# keeps the presets' OpenBLAS, which needs:
#  - every command: libtorch's idle OpenMP workers sleep (OMP_WAIT_POLICY=PASSIVE) instead of spinning
#    against OpenBLAS's threads;
#  - training commands (train, demo, bench train): OPENBLAS_THREAD_TIMEOUT=4, OpenBLAS's threads sleep as
#    soon as a product ends instead of holding a core while libtorch runs the elementwise ops between
#    products (13% of CPU samples in a training profile). Not for inference: there each small product then
#    waits for its threads to wake.
# Every command, either BLAS: glibc malloc keeps what a step or a forward frees for the next one: one arena
# (the JVM gives its threads their own arenas, capped at 64 MiB heaps), allocations up to 32 MiB (the most it
# allows) from the heap rather than fresh mappings, and no trimming. Training steps and batched forwards
# otherwise fault in and zero their activations anew each time. It costs a few hundred MiB of resident
# memory.
# docs/performance.md has the measurements.
hw_native_env() {
  local training=0
  hw_training_command "$@" && training=1
  case "${HEADWISE_BLAS:-mkl}" in
    mkl)
      export MKL_THREADING_LAYER="${MKL_THREADING_LAYER:-GNU}"
      ;;
    openblas)
      export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
      [ "$training" = 1 ] && export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"
      ;;
    *)
      echo "headwise: HEADWISE_BLAS must be mkl or openblas, not '$HEADWISE_BLAS'." >&2
      return 1
      ;;
  esac
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
  export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
  export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967296}"
  export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}"
  return 0
}

# True for the commands that train: train, demo, bench train.
hw_training_command() {
  case "${1:-} ${2:-}" in
    "train "* | "demo "* | "bench train") return 0 ;;
  esac
  return 1
}

# The JVM options for a command, one per line: the BLAS hw_native_env chose, and the JIT. Commands that only
# predict run C1 alone: their hot loops are in libtorch, and on small machines C2's compile threads would
# compete with them and with a fast start. Training also runs a hot loop in Java (the dropout noise), which
# C2 compiles about twice as fast.
hw_java_opts() {
  [ "${HEADWISE_BLAS:-mkl}" = mkl ] && echo "-Dorg.bytedeco.openblas.load=mkl_rt"
  hw_training_command "$@" || echo "-XX:TieredStopAtLevel=1"
  return 0
}
