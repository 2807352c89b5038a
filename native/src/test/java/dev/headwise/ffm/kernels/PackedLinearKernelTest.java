package dev.headwise.ffm.kernels;

import dev.headwise.ffm.kernels.PackedLinearKernel.Epilogue;
import dev.headwise.ffm.kernels.PackedLinearKernel.Variant;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
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
 * Each variant of the kernel this CPU runs (the others skipped, saying so) against a plain double-precision
 * product and libtorch, over shapes that hit every edge of its tiling: 48-column panels and 8-row tiles for
 * AVX-512, 24 and 4 for AVX2.
 */
class PackedLinearKernelTest {
    private static final float GUARD = -7.25f;
    /** m, n, k, threads. */
    private static final int[][] SHAPES = {
            {1, 1, 1, 1},        // one of everything
            {1, 384, 384, 2},    // a gemv, split over threads
            {7, 47, 3, 1},       // a partial tile and a partial panel
            {8, 48, 16, 2},      // exact AVX-512 tile and panel
            {9, 49, 33, 2},      // one past each
            {4, 24, 17, 2},      // exact AVX2 tile and panel, k odd
            {5, 25, 33, 1},      // one past each
            {64, 384, 384, 2},   // MiniLM at batch 1
            {64, 1536, 384, 3},  // more threads than cores, uneven panel split
            {13, 2, 384, 4},     // fewer panels than threads (a 2-label head)
            {300, 100, 70, 2},   // more rows than one row block (256)
    };

    static Stream<Arguments> shapes() {
        return Arrays.stream(Variant.values())
                .flatMap(v -> Arrays.stream(SHAPES).map(s -> Arguments.of(v, s[0], s[1], s[2], s[3])));
    }

    @ParameterizedTest(name = "{0} m={1} n={2} k={3} threads={4}")
    @MethodSource("shapes")
    void matchesThePlainProduct(Variant variant, int m, int n, int k, int threads) {
        PackedLinearKernel kernel = kernel(variant);
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
                    MemorySegment.NULL, y, n, Epilogue.NONE, threads);

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

    static Stream<Arguments> activations() {
        return Arrays.stream(Variant.values()).flatMap(v -> Arrays.stream(Epilogue.values()).flatMap(act ->
                Stream.of(1, 2).flatMap(threads ->
                        Stream.of(false, true).map(residual -> Arguments.of(v, act, threads, residual)))));
    }

    /**
     * The fused activation and residual against libtorch's linear, gelu, relu and add, over pre-activations
     * beyond +-8, on a shape ragged for both variants (7 rows, 50 columns, k odd).
     */
    @ParameterizedTest(name = "{0} {1} threads={2} residual={3}")
    @MethodSource("activations")
    void activationAndResidualMatchLibtorch(Variant variant, Epilogue act, int threads, boolean withResidual) {
        PackedLinearKernel kernel = kernel(variant);
        try (var scope = new PointerScope()) {
            Operands in = Operands.of(7, 50, 33);
            Tensor pre = torch.linear(in.x, in.w, new TensorOptional(in.b));
            assertTrue(pre.max().item_float() > 8 && pre.min().item_float() < -8, "both tails reached");
            Tensor expected = switch (act) {
                case NONE -> pre;
                case GELU -> torch.gelu(pre);
                case RELU -> torch.relu(pre);
            };
            if (withResidual) expected = expected.add(in.residual);
            Tensor y = run(kernel, in, act, withResidual, threads);
            assertArrayEquals(floats(expected), floats(y), 2e-5f);
        }
    }

    /** Both variants sum in the same order and share exp and erf's polynomials, so they agree to the bit. */
    @ParameterizedTest
    @EnumSource(Epilogue.class)
    void variantsAgreeBitForBit(Epilogue act) {
        PackedLinearKernel wide = kernel(Variant.AVX512);
        PackedLinearKernel narrow = kernel(Variant.AVX2);
        try (var scope = new PointerScope()) {
            Operands in = Operands.of(9, 50, 33);
            assertArrayEquals(floats(run(wide, in, act, true, 2)), floats(run(narrow, in, act, true, 2)));
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void sameResultOnAnyNumberOfThreads(Variant variant) {
        PackedLinearKernel kernel = kernel(variant);
        int m = 33, n = 200, k = 96;
        var rnd = new SplittableRandom(5);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocateFrom(JAVA_FLOAT, random(rnd, m * k));
            MemorySegment b = arena.allocateFrom(JAVA_FLOAT, random(rnd, n));
            MemorySegment packed = arena.allocate(kernel.packedFloats(n, k) * Float.BYTES, 64);
            kernel.pack(arena.allocateFrom(JAVA_FLOAT, random(rnd, n * k)), n, k, packed);
            MemorySegment one = arena.allocate((long) m * n * Float.BYTES, 64);
            kernel.linear(x, m, k, packed, b, MemorySegment.NULL, one, n, Epilogue.NONE, 1);
            for (int threads = 2; threads <= 5; threads++) {
                MemorySegment many = arena.allocate((long) m * n * Float.BYTES, 64);
                kernel.linear(x, m, k, packed, b, MemorySegment.NULL, many, n, Epilogue.NONE, threads);
                assertEquals(-1, one.mismatch(many), threads + " threads");  // each output is summed in one order
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void packRefusesShortOrUnalignedBuffers(Variant variant) {
        PackedLinearKernel kernel = kernel(variant);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(10L * 20 * Float.BYTES);
            long floats = kernel.packedFloats(10, 20);
            assertEquals(panelColumns(variant) * 20L, floats);
            assertThrows(IllegalArgumentException.class,
                    () -> kernel.pack(w, 10, 20, arena.allocate((floats - 1) * Float.BYTES, 64)));
            assertThrows(IllegalArgumentException.class,
                    () -> kernel.pack(w, 10, 20, arena.allocate(floats * Float.BYTES + 64, 64).asSlice(4)));
            assertThrows(IllegalArgumentException.class,
                    () -> kernel.pack(w.asSlice(4), 10, 20, arena.allocate(floats * Float.BYTES, 64)));
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void namesItsVariant(Variant variant) {
        PackedLinearKernel kernel = kernel(variant);
        assertEquals(variant, kernel.variant());
        String isa = variant == Variant.AVX512 ? "AVX-512F" : "AVX2+FMA";
        assertEquals(isa + ", " + panelColumns(variant) + "-column panels", kernel.describe());
    }

    /** get() is the first variant in the enum's order (fastest first) that this CPU runs. */
    @Test
    void bestVariantFirst() {
        var best = Arrays.stream(Variant.values()).filter(v -> PackedLinearKernel.get(v).isPresent()).findFirst();
        assumeTrue(best.isPresent(), "no variant runs on this CPU, or the kernel library was not built");
        assertEquals(best.get(), PackedLinearKernel.get().orElseThrow().variant());
    }

    /** The panel widths the C code packs to (packed_linear_avx512.c, packed_linear_avx2.c). */
    private static int panelColumns(Variant variant) {
        return switch (variant) {
            case AVX512 -> 48;
            case AVX2 -> 24;
        };
    }

    private static PackedLinearKernel kernel(Variant variant) {
        var kernel = PackedLinearKernel.get(variant);
        assumeTrue(kernel.isPresent(), variant + " not supported by this CPU, or the kernel library was not built");
        return kernel.get();
    }

    /**
     * x (m, k) of sd 12, W (n, k) of sd 0.05 and b (n), so outputs reach +-8 and beyond; a residual (m, n).
     * Seeded, so that the tails are reached on every run.
     */
    private record Operands(Tensor x, Tensor w, Tensor b, Tensor residual, long m, long n, long k) {
        static Operands of(long m, long n, long k) {
            torch.manual_seed(m * 31 + n * 7 + k);
            return new Operands(torch.randn(m, k).mul_(new Scalar(12.0)), torch.randn(n, k).mul_(new Scalar(0.05)),
                    torch.randn(n), torch.randn(m, n), m, n, k);
        }
    }

    private static Tensor run(PackedLinearKernel kernel, Operands in, Epilogue act, boolean withResidual, int threads) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment packed = kernel.allocatePacked(in.n, in.k);
            kernel.pack(address(in.w).reinterpret(in.n * in.k * Float.BYTES), in.n, in.k, packed);
            Tensor y = torch.empty(in.m, in.n);
            kernel.linear(address(in.x), in.m, in.k, packed, address(in.b),
                    withResidual ? address(in.residual) : MemorySegment.NULL, address(y), in.n, act, threads);
            return y;
        }
    }

    private static MemorySegment address(Tensor t) {
        return MemorySegment.ofAddress(t.data_ptr().address());
    }

    private static float[] floats(Tensor t) {
        Tensor c = t.contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rnd.nextDouble() * 2 - 1);
        return a;
    }
}
