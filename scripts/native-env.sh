# Sourced by ./headwise: the native libraries' settings, read once at process start, for a command's workload.
# A variable the caller already set is left as it is.
#
# BLAS (hw_blas): HEADWISE_BLAS if set, else what `headwise calibrate` measured fastest on this machine for the
# command's kind (training or inference), recorded in the file HW_CALIBRATION names, else mkl. With mkl,
# libtorch's products run on Intel MKL, which the launcher has JavaCPP load in OpenBLAS's place
# (-Dorg.bytedeco.openblas.load=mkl_rt) with its threads on libgomp, the OpenMP runtime libtorch's own ops
# use (MKL_THREADING_LAYER=GNU): one pool of threads instead of two. openblas keeps the presets' OpenBLAS,
# which needs:
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
  local training=0 blas
  hw_training_command "$@" && training=1
  blas=$(hw_blas "$@")
  case "$blas" in
    mkl)
      hw_default MKL_THREADING_LAYER GNU
      ;;
    openblas)
      hw_default OMP_WAIT_POLICY PASSIVE
      [ "$training" = 1 ] && hw_default OPENBLAS_THREAD_TIMEOUT 4
      ;;
    *)
      echo "headwise: HEADWISE_BLAS must be mkl or openblas, not '$blas'." >&2
      return 1
      ;;
  esac
  hw_default MALLOC_ARENA_MAX 1
  hw_default MALLOC_MMAP_THRESHOLD_ 33554432
  hw_default MALLOC_TRIM_THRESHOLD_ 4294967296
  hw_default MALLOC_TOP_PAD_ 268435456
  return 0
}

# Exports $1=$2 unless the caller set $1, and names it in HEADWISE_LAUNCHER_ENV, so that what headwise starts
# for others (a benchmark's Python peer) can run without headwise's settings.
hw_default() {
  [ -n "${!1+set}" ] && return 0
  export "$1=$2"
  export HEADWISE_LAUNCHER_ENV="${HEADWISE_LAUNCHER_ENV:+$HEADWISE_LAUNCHER_ENV }$1"
}

# True for the commands that train: train, demo, bench train (and calibration's training probe).
hw_training_command() {
  case "${1:-} ${2:-}" in
    "train "* | "demo "* | "bench train" | "calibrate-probe train") return 0 ;;
  esac
  return 1
}

# The BLAS for a command, mkl or openblas (see above).
hw_blas() {
  if [ -n "${HEADWISE_BLAS:-}" ]; then
    echo "$HEADWISE_BLAS"
    return 0
  fi
  local key=inference_blas chosen=
  hw_training_command "$@" && key=training_blas
  [ -n "${HW_CALIBRATION:-}" ] && [ -f "$HW_CALIBRATION" ] && chosen=$(sed -n "s/^$key=//p" "$HW_CALIBRATION" | head -n 1)
  case "$chosen" in
    mkl | openblas) echo "$chosen" ;;
    *) echo mkl ;;
  esac
}

# The calibration file for this machine, under the user's cache folder: its name is keyed by the CPU (model,
# flags, cores), the native libraries (the jar names carry their versions) and headwise's kernel library,
# so a change of any of them measures anew. $1: the runtime class path file; $2: the kernel library.
hw_calibration_file() {
  local key
  key=$({
    grep -m 1 '^model name' /proc/cpuinfo
    grep -m 1 '^flags' /proc/cpuinfo
    nproc
    tr ':' '\n' <"$1" | grep -E '/(pytorch|openblas|mkl)-[^/]*\.jar$' | sed 's|.*/||' | sort
    [ -f "$2" ] && sha256sum <"$2"
  } 2>/dev/null | sha256sum | cut -c 1-16)
  echo "${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/headwise/calibration-$key.properties"
}

# True for the commands whose speed depends on the product paths, which calibrate first on a new machine
# (not when they are only asked for their help or version).
hw_calibrating_command() {
  local arg
  for arg in "$@"; do
    case "$arg" in -h | --help | -V | --version) return 1 ;; esac
  done
  case "${1:-}" in
    train | demo | evaluate | predict | encode | bench | spark) return 0 ;;
  esac
  return 1
}

# The JVM options for a command, one per line: the BLAS hw_native_env chose, and the JIT. Commands that only
# predict run C1 alone: their hot loops are in libtorch, and on small machines C2's compile threads would
# compete with them and with a fast start. Training also runs a hot loop in Java (the dropout noise), which
# C2 compiles about twice as fast.
# The packed kernel's row limit for the command's BLAS, as calibration measured it, goes along.
hw_java_opts() {
  local blas rows=
  blas=$(hw_blas "$@")
  [ "$blas" = mkl ] && echo "-Dorg.bytedeco.openblas.load=mkl_rt"
  hw_training_command "$@" || echo "-XX:TieredStopAtLevel=1"
  [ -n "${HW_CALIBRATION:-}" ] && [ -f "$HW_CALIBRATION" ] &&
    rows=$(sed -n "s/^$blas\.packed_max_rows=\([0-9][0-9]*\)\$/\1/p" "$HW_CALIBRATION" | head -n 1)
  [ -n "$rows" ] && [ -z "${HEADWISE_BLAS:-}" ] && echo "-Dheadwise.packedLinear.maxRows=$rows"
  return 0
}
