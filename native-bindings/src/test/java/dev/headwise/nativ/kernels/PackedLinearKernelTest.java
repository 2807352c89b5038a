package dev.headwise.nativ.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The AVX-512 kernel against a plain double-precision product, over shapes that hit every edge of its tiling. */
class PackedLinearKernelTest {
    private static final float GUARD = -7.25f;

    @ParameterizedTest(name = "m={0} n={1} k={2} threads={3}")
    @CsvSource({
            "1, 1, 1, 1",        // one of everything
            "1, 384, 384, 2",    // a gemv, split over threads
            "7, 47, 3, 1",       // a partial tile and a partial panel
            "8, 48, 16, 2",      // exact tile and panel
            "9, 49, 33, 2",      // one past each
            "64, 384, 384, 2",   // MiniLM at batch 1
            "64, 1536, 384, 3",  // more threads than cores, uneven panel split
            "13, 2, 384, 4",     // fewer panels than threads (a 2-label head)
            "300, 100, 70, 2",   // more rows than one row block (256)
    })
    void matchesThePlainProduct(int m, int n, int k, int threads) {
        PackedLinearKernel kernel = kernel();
        var rnd = new SplittableRandom(m * 31L + n * 7L + k);
        float[] x = random(rnd, m * k);
        float[] w = random(rnd, n * k);
        float[] b = random(rnd, n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment packed = kernel.allocatePacked(n, k);
            assertEquals(0, packed.address() % 64);
            packed.fill((byte) 0x7f);                                 // not zeroed: packing must write the padding
            kernel.pack(arena.allocateFrom(JAVA_FLOAT, w), n, k, packed);
            // y with a guard band after it: the kernel must not write past row m - 1, column n - 1
            MemorySegment y = arena.allocate((long) (m * n + 64) * Float.BYTES, 64);
            y.fill((byte) 0);
            for (int i = m * n; i < m * n + 64; i++) y.setAtIndex(JAVA_FLOAT, i, GUARD);
            kernel.linear(arena.allocateFrom(JAVA_FLOAT, x), m, k, packed, arena.allocateFrom(JAVA_FLOAT, b),
                    MemorySegment.NULL, y, n, PackedLinearKernel.Activation.NONE, threads);

            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double expected = b[j];
                    double scale = Math.abs(b[j]);
                    for (int kk = 0; kk < k; kk++) {
                        expected += (double) x[i * k + kk] * w[j * k + kk];
                        scale += Math.abs((double) x[i * k + kk] * w[j * k + kk]);
                    }
                    // fp32 accumulation of k terms: error bound ~ k * eps * sum |terms|
                    double tolerance = 1e-7 * k * scale + 1e-7;
                    assertEquals(expected, y.getAtIndex(JAVA_FLOAT, (long) i * n + j), tolerance, "y[" + i + "][" + j + "]");
                }
            }
            for (int i = m * n; i < m * n + 64; i++) assertEquals(GUARD, y.getAtIndex(JAVA_FLOAT, i), "guard " + i);
        }
    }

    @Test
    void sameResultOnAnyNumberOfThreads() {
        PackedLinearKernel kernel = kernel();
        int m = 33, n = 200, k = 96;
        var rnd = new SplittableRandom(5);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocateFrom(JAVA_FLOAT, random(rnd, m * k));
            MemorySegment b = arena.allocateFrom(JAVA_FLOAT, random(rnd, n));
            MemorySegment packed = arena.allocate(kernel.packedFloats(n, k) * Float.BYTES, 64);
            kernel.pack(arena.allocateFrom(JAVA_FLOAT, random(rnd, n * k)), n, k, packed);
            MemorySegment one = arena.allocate((long) m * n * Float.BYTES, 64);
            kernel.linear(x, m, k, packed, b, MemorySegment.NULL, one, n, PackedLinearKernel.Activation.NONE, 1);
            for (int threads = 2; threads <= 5; threads++) {
                MemorySegment many = arena.allocate((long) m * n * Float.BYTES, 64);
                kernel.linear(x, m, k, packed, b, MemorySegment.NULL, many, n, PackedLinearKernel.Activation.NONE, threads);
                assertEquals(-1, one.mismatch(many), threads + " threads");  // each output is summed in one order
            }
        }
    }

    @Test
    void packRefusesShortOrUnalignedBuffers() {
        PackedLinearKernel kernel = kernel();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(10L * 20 * Float.BYTES);
            long floats = kernel.packedFloats(10, 20);
            assertEquals(48L * 20, floats);
            assertThrows(IllegalArgumentException.class,
                    () -> kernel.pack(w, 10, 20, arena.allocate((floats - 1) * Float.BYTES, 64)));
            assertThrows(IllegalArgumentException.class,
                    () -> kernel.pack(w, 10, 20, arena.allocate(floats * Float.BYTES + 64, 64).asSlice(4)));
            assertThrows(IllegalArgumentException.class,
                    () -> kernel.pack(w.asSlice(4), 10, 20, arena.allocate(floats * Float.BYTES, 64)));
        }
    }

    private static PackedLinearKernel kernel() {
        var kernel = PackedLinearKernel.get();
        assumeTrue(kernel.isPresent(), "no AVX-512F on this CPU, or the kernel library was not built");
        return kernel.get();
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rnd.nextDouble() * 2 - 1);
        return a;
    }
}
