package dev.headwise.model;

import dev.headwise.HeadwiseException;
import org.bytedeco.pytorch.global.torch;

/**
 * libtorch's process-wide settings: its intra-op threads (and the BLAS's, {@link Blas}), the fp32 matrix
 * product precision, and the seed of its default generators. libtorch keeps them per process, not per model or
 * thread, so this is the one place in headwise that sets them, and only when the application asks: the CLI
 * applies one at the start of each command, a service once before it loads models. No other library call
 * changes them.
 *
 * @param threads   libtorch's intra-op threads and the BLAS's, at least 1
 * @param precision of fp32 matrix products: {@link Precision#TF32} lets GPUs that have it use TensorFloat-32,
 *                  anything else keeps full fp32
 */
public record TorchRuntime(int threads, Precision precision) {
    public TorchRuntime {
        if (threads < 1) throw new HeadwiseException("--threads must be at least 1, got " + threads + ".");
        if (precision == null) throw new HeadwiseException("runtime: the precision is missing.");
    }

    /** {@code threads} threads, full fp32 products. */
    public TorchRuntime(int threads) {
        this(threads, Precision.FP32);
    }

    /** A thread per core this JVM sees, full fp32 products. */
    public static TorchRuntime allCores() {
        return new TorchRuntime(Runtime.getRuntime().availableProcessors());
    }

    public TorchRuntime withPrecision(Precision p) {
        return new TorchRuntime(threads, p);
    }

    /**
     * Sets libtorch's and the BLAS's threads to {@link #threads} and the matrix product precision. libtorch's CPU
     * matrix products are BLAS calls, so they use only as many cores as the BLAS has threads ({@code headwise
     * bench train} shows the difference on a machine; docs/performance.md, decision log). BLAS threads wait for
     * each other inside every product, though, so on a machine whose cores are taken by other processes small
     * products can stall for milliseconds: there, use 1. With OpenBLAS, OMP_WAIT_POLICY should be PASSIVE in
     * the environment (the launcher sets it), or idle OpenMP workers spin against OpenBLAS's own threads; MKL
     * runs on libtorch's OpenMP threads and needs no such setting.
     */
    public TorchRuntime apply() {
        torch.set_num_threads(threads);
        Blas.current().setThreads(threads);
        torch.globalContext().setFloat32MatmulPrecision(precision == Precision.TF32 ? "high" : "highest");
        return this;
    }

    /**
     * Seeds libtorch's default generators, from which from-scratch weights, fresh heads and dropout noise are
     * drawn: the same seed, the same run.
     */
    public static void seed(long seed) {
        torch.manual_seed(seed);
    }
}
