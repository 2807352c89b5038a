package dev.headwise.bench;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * What this process's libtorch reaches on one large fp32 matrix product with its current thread setting:
 * the ceiling a training step, which is mostly such products, is compared against. Samples can be taken
 * between the steps being measured, so that both see the same load from other processes.
 */
public final class GemmRoofline implements AutoCloseable {
    private final int n;
    private final Tensor a;
    private final Tensor b;
    private double best;

    /** Two random n x n matrices, and one untimed product to warm up. */
    public GemmRoofline(int n) {
        if (n < 1) throw new IllegalArgumentException("n must be positive, got " + n);
        this.n = n;
        this.a = torch.randn(n, n);
        this.b = torch.randn(n, n);
        try (var scope = new PointerScope()) {
            torch.matmul(a, b);
        }
    }

    /** Times one product (2 n^3 FLOPs) and returns its GFLOP/s. */
    public double sample() {
        try (var scope = new PointerScope()) {
            long start = System.nanoTime();
            torch.matmul(a, b);
            double gflops = 2.0 * n * n * n / (System.nanoTime() - start);
            best = Math.max(best, gflops);
            return gflops;
        }
    }

    /** The fastest sample so far (0 before any). */
    public double best() {
        return best;
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
