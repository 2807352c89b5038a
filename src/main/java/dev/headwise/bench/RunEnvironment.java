package dev.headwise.bench;

import org.bytedeco.pytorch.global.torch;

/**
 * What a benchmark ran on, recorded next to its numbers.
 *
 * @param onnxruntime null when ONNX Runtime took no part
 * @param ompWaitPolicy the {@code OMP_WAIT_POLICY} this process started with, or {@code unset}
 */
public record RunEnvironment(String java, String libtorch, String onnxruntime, int threads, int cores,
                             String ompWaitPolicy) {

    /** This process, with libtorch's current intra-op thread count. */
    public static RunEnvironment current(String onnxruntime) {
        String libtorch = torch.class.getPackage().getImplementationVersion();
        return new RunEnvironment(System.getProperty("java.version"), libtorch == null ? "unknown" : libtorch,
                onnxruntime, torch.get_num_threads(), Runtime.getRuntime().availableProcessors(),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
    }
}
