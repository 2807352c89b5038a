package dev.headwise.ffm.kernels;

import dev.headwise.ffm.kernels.Int8LinearKernel.Variant;
import dev.headwise.ffm.kernels.PackedLinearKernel.Epilogue;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each variant of the int8 kernel this CPU runs (the others skipped, saying so) against {@link Int8Reference},
 * bit for bit, over shapes that hit every edge of the tilings (16-, 24- and 48-column panels; 4- and 8-row
 * tiles; AMX's 32 x 32 blocks; k not a multiple of 4, and shorter or longer than one 32- or 64-float
 * quantization block).
 */
class Int8LinearKernelTest {
    private static final float GUARD = -7.25f;
    /** m, n, k, threads. */
    private static final int[][] SHAPES = {
            {1, 1, 1, 1},        // one of everything
            {1, 384, 384, 2},    // a gemv, split over threads
            {7, 47, 3, 1},       // a partial tile and panel, k below one dot step
            {4, 16, 17, 2},      // exact AVX2 tile and panel, k padded
            {5, 17, 33, 1},      // one past each, k past one AVX2 block
            {8, 48, 64, 2},      // exact AVX-512 tile, panel and block
            {9, 49, 70, 2},      // one past each
            {33, 33, 65, 2},     // one past AMX's 32 x 32 block and its 64-byte depth
            {64, 384, 384, 2},   // MiniLM at batch 1
            {64, 384, 1536, 3},  // the feed-forward's output, more threads than cores
            {13, 2, 384, 4},     // fewer panels than threads (a 2-label head)
            {300, 100, 70, 2},   // more rows than one row block (256)
    };

    static Stream<Arguments> shapes() {
        return Arrays.stream(Variant.values())
                .flatMap(v -> Arrays.stream(SHAPES).map(s -> Arguments.of(v, s[0], s[1], s[2], s[3])));
    }

    @ParameterizedTest(name = "{0} m={1} n={2} k={3} threads={4}")
    @MethodSource("shapes")
    void matchesTheReferenceBitForBit(Variant variant, int m, int n, int k, int threads) {
        Int8LinearKernel kernel = kernel(variant);
        var rnd = new SplittableRandom(m * 31L + n * 7L + k);
        float[] x = random(rnd, m * k, 3);
        float[] w = random(rnd, n * k, 0.1);
        float[] b = random(rnd, n, 1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment packed = kernel.allocatePacked(n, k);
            assertEquals(0, packed.address() % 64);
            packed.fill((byte) 0x7f);                                 // not zeroed: packing must write the padding
            kernel.pack(arena.allocateFrom(JAVA_FLOAT, w), n, k, packed);
            MemorySegment y = arena.allocate((long) (m * n + 64) * Float.BYTES, 64);
            for (int i = m * n; i < m * n + 64; i++) y.setAtIndex(JAVA_FLOAT, i, GUARD);
            kernel.linear(arena.allocateFrom(JAVA_FLOAT, x), m, k, packed, arena.allocateFrom(JAVA_FLOAT, b),
                    MemorySegment.NULL, y, n, Epilogue.NONE, threads);
            assertArrayEquals(Int8Reference.linear(x, m, k, w, n, b), y.asSlice(0, (long) m * n * Float.BYTES).toArray(JAVA_FLOAT));
            for (int i = m * n; i < m * n + 64; i++) assertEquals(GUARD, y.getAtIndex(JAVA_FLOAT, i), "guard " + i);
        }
    }

    /**
     * What quantization costs, against the fp32 product: per output at most a few steps of the two scales,
     * (|x| + |W|) k / 2 of them in the worst case, far fewer on random data. Checks the scales are applied
     * where they belong (a transposed scale would be off by the ratio of row norms).
     */
    @ParameterizedTest
    @EnumSource(Variant.class)
    void staysCloseToTheFp32Product(Variant variant) {
        Int8LinearKernel kernel = kernel(variant);
        int m = 16, n = 40, k = 256;
        var rnd = new SplittableRandom(3);
        float[] x = random(rnd, m * k, 1);
        for (int i = 0; i < m; i++) for (int c = 0; c < k; c++) x[i * k + c] *= 1 + i;  // rows of different scales
        float[] w = random(rnd, n * k, 0.05);
        float[] b = new float[n];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment packed = kernel.allocatePacked(n, k);
            kernel.pack(arena.allocateFrom(JAVA_FLOAT, w), n, k, packed);
            MemorySegment y = arena.allocate((long) m * n * Float.BYTES, 64);
            kernel.linear(arena.allocateFrom(JAVA_FLOAT, x), m, k, packed, arena.allocateFrom(JAVA_FLOAT, b),
                    MemorySegment.NULL, y, n, Epilogue.NONE, 2);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double exact = 0, norm = 0;
                    for (int c = 0; c < k; c++) {
                        exact += (double) x[i * k + c] * w[j * k + c];
                        norm += Math.abs((double) x[i * k + c] * w[j * k + c]);
                    }
                    assertEquals(exact, y.getAtIndex(JAVA_FLOAT, (long) i * n + j), 0.02 * norm, "y[" + i + "][" + j + "]");
                }
            }
        }
    }

    static Stream<Arguments> activations() {
        return Arrays.stream(Variant.values()).flatMap(v -> Arrays.stream(Epilogue.values()).flatMap(act ->
                Stream.of(1, 2).flatMap(threads ->
                        Stream.of(false, true).map(residual -> Arguments.of(v, act, threads, residual)))));
    }

    /** The fused activation and residual: the reference's outputs through libtorch's gelu, relu and add. */
    @ParameterizedTest(name = "{0} {1} threads={2} residual={3}")
    @MethodSource("activations")
    void activationAndResidualMatchLibtorch(Variant variant, Epilogue act, int threads, boolean withResidual) {
        Int8LinearKernel kernel = kernel(variant);
        int m = 7, n = 50, k = 33;
        var rnd = new SplittableRandom(11);
        float[] x = random(rnd, m * k, 40);
        float[] w = random(rnd, n * k, 0.1);
        float[] b = random(rnd, n, 1);
        float[] res = random(rnd, m * n, 1);
        try (var scope = new PointerScope(); Arena arena = Arena.ofConfined()) {
            Tensor pre = Tensor.create(Int8Reference.linear(x, m, k, w, n, b), m, n);
            assertTrue(pre.max().item_float() > 8 && pre.min().item_float() < -8, "both tails reached");
            Tensor expected = switch (act) {
                case NONE -> pre;
                case GELU -> torch.gelu(pre);
                case RELU -> torch.relu(pre);
            };
            if (withResidual) expected = expected.add(Tensor.create(res, m, n));
            MemorySegment packed = kernel.allocatePacked(n, k);
            kernel.pack(arena.allocateFrom(JAVA_FLOAT, w), n, k, packed);
            MemorySegment y = arena.allocate((long) m * n * Float.BYTES, 64);
            kernel.linear(arena.allocateFrom(JAVA_FLOAT, x), m, k, packed, arena.allocateFrom(JAVA_FLOAT, b),
                    withResidual ? arena.allocateFrom(JAVA_FLOAT, res) : MemorySegment.NULL, y, n, act, threads);
            float[] want = new float[m * n];
            expected.contiguous().data_ptr_float().get(want);
            assertArrayEquals(want, y.toArray(JAVA_FLOAT), 2e-5f);
        }
    }

    /** Every variant computes the same integers and the same float epilogue, so any two agree to the bit. */
    @Test
    void variantsAgreeBitForBit() {
        var present = Arrays.stream(Variant.values()).filter(v -> Int8LinearKernel.get(v).isPresent()).toList();
        assumeTrue(present.size() > 1, "this CPU runs only " + present + " of " + Arrays.toString(Variant.values()));
        int m = 9, n = 50, k = 70;
        var rnd = new SplittableRandom(8);
        float[] x = random(rnd, m * k, 12), w = random(rnd, n * k, 0.1), b = random(rnd, n, 1), res = random(rnd, m * n, 1);
        float[] first = null;
        for (Variant v : present) {
            Int8LinearKernel kernel = Int8LinearKernel.get(v).orElseThrow();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment packed = kernel.allocatePacked(n, k);
                kernel.pack(arena.allocateFrom(JAVA_FLOAT, w), n, k, packed);
                MemorySegment y = arena.allocate((long) m * n * Float.BYTES, 64);
                kernel.linear(arena.allocateFrom(JAVA_FLOAT, x), m, k, packed, arena.allocateFrom(JAVA_FLOAT, b),
                        arena.allocateFrom(JAVA_FLOAT, res), y, n, Epilogue.GELU, 2);
                float[] out = y.toArray(JAVA_FLOAT);
                if (first == null) first = out;
                else assertArrayEquals(first, out, v + " against " + present.getFirst());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void packRefusesShortOrUnalignedBuffers(Variant variant) {
        Int8LinearKernel kernel = kernel(variant);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(10L * 20 * Float.BYTES);
            long bytes = kernel.packedBytes(10, 20);
            assertThrows(IllegalArgumentException.class, () -> kernel.pack(w, 10, 20, arena.allocate(bytes - 1, 64)));
            assertThrows(IllegalArgumentException.class, () -> kernel.pack(w, 10, 20, arena.allocate(bytes + 64, 64).asSlice(4)));
            assertThrows(IllegalArgumentException.class, () -> kernel.pack(w.asSlice(4), 10, 20, arena.allocate(bytes, 64)));
        }
    }

    @Test
    void bestVariantFirstAndNamed() {
        var best = Arrays.stream(Variant.values()).filter(v -> Int8LinearKernel.get(v).isPresent()).findFirst();
        assumeTrue(best.isPresent(), "no variant runs on this CPU, or the kernel library was not built");
        Int8LinearKernel kernel = Int8LinearKernel.get().orElseThrow();
        assertEquals(best.get(), kernel.variant());
        assertTrue(kernel.describe().endsWith("-column panels"), kernel.describe());
    }

    private static Int8LinearKernel kernel(Variant variant) {
        var kernel = Int8LinearKernel.get(variant);
        assumeTrue(kernel.isPresent(), variant + " not supported by this CPU, or the kernel library was not built");
        return kernel.get();
    }

    private static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        return a;
    }
}
