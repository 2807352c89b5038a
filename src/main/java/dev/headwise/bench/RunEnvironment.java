package dev.headwise.bench;

import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.global.torch;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a benchmark ran on, recorded next to its numbers.
 *
 * @param onnxruntime null when ONNX Runtime took no part
 * @param ompWaitPolicy the {@code OMP_WAIT_POLICY} this process started with, or {@code unset}
 * @param nativeEnv the other native-library settings this process started with (OpenBLAS's thread timeout,
 *                  glibc malloc's tunables; the launcher sets them for training commands), empty if none
 */
public record RunEnvironment(String java, String libtorch, String onnxruntime, int threads, int blasThreads,
                             int cores, String ompWaitPolicy, Map<String, String> nativeEnv) {

    static final List<String> NATIVE_VARIABLES = List.of("OPENBLAS_THREAD_TIMEOUT", "MALLOC_ARENA_MAX",
            "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_");

    /** This process, with libtorch's current intra-op and OpenBLAS thread counts. */
    public static RunEnvironment current(String onnxruntime) {
        String libtorch = torch.class.getPackage().getImplementationVersion();
        return new RunEnvironment(System.getProperty("java.version"), libtorch == null ? "unknown" : libtorch,
                onnxruntime, torch.get_num_threads(), openblas_full.openblas_get_num_threads(),
                Runtime.getRuntime().availableProcessors(),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"), nativeEnv(System.getenv()));
    }

    static Map<String, String> nativeEnv(Map<String, String> env) {
        var set = new TreeMap<String, String>();
        for (String name : NATIVE_VARIABLES) {
            if (env.containsKey(name)) set.put(name, env.get(name));
        }
        return set;
    }
}
