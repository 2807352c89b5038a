package dev.headwise.bench;

import dev.headwise.model.Blas;
import org.bytedeco.pytorch.global.torch;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a benchmark ran on, recorded next to its numbers.
 *
 * @param onnxruntime null when ONNX Runtime took no part
 * @param blas the BLAS libtorch's products ran on ({@link Blas#describe})
 * @param ompWaitPolicy the {@code OMP_WAIT_POLICY} this process started with, or {@code unset}
 * @param nativeEnv the {@code OPENBLAS_*}, {@code MKL_*} and {@code MALLOC_*} variables this process started with (the launcher
 *                  sets them), empty if none
 */
public record RunEnvironment(String java, String libtorch, String onnxruntime, int threads, String blas,
                             int blasThreads, int cores, String ompWaitPolicy, Map<String, String> nativeEnv) {

    /** This process, with libtorch's current intra-op and BLAS thread counts. */
    public static RunEnvironment current(String onnxruntime) {
        String libtorch = torch.class.getPackage().getImplementationVersion();
        return new RunEnvironment(System.getProperty("java.version"), libtorch == null ? "unknown" : libtorch,
                onnxruntime, torch.get_num_threads(), Blas.current().describe(), Blas.current().threads(),
                Runtime.getRuntime().availableProcessors(),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"), nativeEnv(System.getenv()));
    }

    static Map<String, String> nativeEnv(Map<String, String> env) {
        var set = new TreeMap<String, String>();
        env.forEach((name, value) -> {
            if (name.startsWith("OPENBLAS_") || name.startsWith("MKL_") || name.startsWith("MALLOC_")) set.put(name, value);
        });
        return set;
    }
}
