package dev.headwise.bench;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * What this process's libtorch reaches on one large fp32 matrix product with its current thread setting:
 * the ceiling a training step, which is mostly such products, can be compared against.
 */
public final class GemmRoofline {
    private GemmRoofline() {}

    /** Best GFLOP/s of {@code repeats} products of two n x n matrices (2 n^3 FLOPs each), after one warm-up. */
    public static double gflops(int n, int repeats) {
        if (n < 1 || repeats < 1) throw new IllegalArgumentException("n and repeats must be positive");
        try (var scope = new PointerScope()) {
            Tensor a = torch.randn(n, n);
            Tensor b = torch.randn(n, n);
            torch.matmul(a, b);
            long best = Long.MAX_VALUE;
            for (int i = 0; i < repeats; i++) {
                try (var inner = new PointerScope()) {
                    long start = System.nanoTime();
                    torch.matmul(a, b);
                    best = Math.min(best, System.nanoTime() - start);
                }
            }
            return 2.0 * n * n * n / best;
        }
    }
}
