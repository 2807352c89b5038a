package dev.headwise.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java-drawn dropout against libtorch's {@code dropout}, the reference: same values, same rate, same seeding. */
class CounterDropoutTest {
    private static final int N = 1 << 20;

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5, 0.9})
    void keepsTheReferenceValuesAtTheReferenceRate(double p) {
        torch.manual_seed(1);
        try (var scope = new PointerScope()) {
            Tensor ones = torch.ones(N);
            float[] ours = Tensors.toFloats(CounterDropout.INSTANCE.apply(ones, p));
            float[] reference = Tensors.toFloats(Dropout.LIBTORCH.apply(ones, p));
            assertEquals(Arrays.toString(distinct(reference)), Arrays.toString(distinct(ours)), "noise values");
            double sd = Math.sqrt(p * (1 - p) / N);
            assertEquals(p, dropped(ours), 5 * sd, "drop rate");
            assertEquals(dropped(reference), dropped(ours), 7.1 * sd, "drop rate against the reference's");
        }
    }

    @Test
    void neighboursAreDrawnIndependently() {
        // Both halves of one 64-bit draw serve adjacent elements, and adjacent chunks adjacent seeds:
        // pairs and chunk borders must still drop together at p^2, not more or less.
        torch.manual_seed(2);
        try (var scope = new PointerScope()) {
            double p = 0.5;
            float[] noise = Tensors.toFloats(CounterDropout.INSTANCE.apply(torch.ones(N), p));
            long both = 0;
            for (int i = 0; i + 1 < N; i++) if (noise[i] == 0 && noise[i + 1] == 0) both++;
            double rate = both / (double) (N - 1);
            assertEquals(p * p, rate, 5 * Math.sqrt(p * p * (1 - p * p) / N), "adjacent pairs both dropped");
        }
    }

    @Test
    void manualSeedReproducesAndCallsDiffer() {
        try (var scope = new PointerScope()) {
            Tensor x = torch.randn(3, 5, 7);
            torch.manual_seed(7);
            float[] first = Tensors.toFloats(CounterDropout.INSTANCE.apply(x, 0.3));
            float[] second = Tensors.toFloats(CounterDropout.INSTANCE.apply(x, 0.3));
            torch.manual_seed(7);
            assertArrayEquals(first, Tensors.toFloats(CounterDropout.INSTANCE.apply(x, 0.3)));
            assertFalse(Arrays.equals(first, second), "two calls drew the same noise");
        }
    }

    @Test
    void sameNoiseWhateverTheThreadsAndAnOddTail() {
        try (var arena = Arena.ofShared()) {
            long n = 3 * (1 << 16) + 5;                                // several chunks and an odd last element
            var parallel = arena.allocate(n * 4);
            CounterDropout.fill(parallel, n, 42, CounterDropout.dropThreshold(0.25), 2f);
            var serial = arena.allocate(n * 4);
            var single = new ForkJoinPool(1);
            single.submit(() -> CounterDropout.fill(serial, n, 42, CounterDropout.dropThreshold(0.25), 2f)).join();
            single.shutdown();
            assertEquals(-1, parallel.mismatch(serial));
            float last = parallel.getAtIndex(ValueLayout.JAVA_FLOAT, n - 1);
            assertTrue(last == 0f || last == 2f, "last element " + last);
        }
    }

    @Test
    void gradientIsTheNoise() {
        torch.manual_seed(3);
        try (var scope = new PointerScope()) {
            Tensor x = torch.randn(64, 32).requires_grad_(true);
            Tensor y = CounterDropout.INSTANCE.apply(x, 0.2);
            y.sum().backward();
            float[] grad = Tensors.toFloats(x.grad());
            float[] out = Tensors.toFloats(y);
            float[] in = Tensors.toFloats(x);
            for (int i = 0; i < grad.length; i++) assertEquals(out[i], in[i] * grad[i], 1e-6f, "element " + i);
        }
    }

    @Test
    void otherDtypesScaleAsTheReferenceDoes() {
        torch.manual_seed(5);
        try (var scope = new PointerScope()) {
            for (var type : new torch.ScalarType[] {torch.ScalarType.BFloat16, torch.ScalarType.Double}) {
                Tensor ones = torch.ones(4096).to(type);
                Tensor ours = CounterDropout.INSTANCE.apply(ones, 0.3);
                assertEquals(type.value, ours.scalar_type().value);
                Tensor reference = Dropout.LIBTORCH.apply(ones, 0.3);
                double kept = ours.max().item_double();
                assertEquals(reference.max().item_double(), kept, 0.0, type + " scale");
                assertTrue(ours.eq(new Scalar(0)).logical_or(ours.eq(new Scalar(kept))).all().item_bool());
            }
        }
    }

    @Test
    void zeroProbabilityIsTheInputItself() {
        try (var scope = new PointerScope()) {
            Tensor x = torch.randn(5);
            assertSame(x, CounterDropout.INSTANCE.apply(x, 0));
        }
    }

    private static Float[] distinct(float[] values) {
        var set = new TreeSet<Float>();
        for (float v : values) set.add(v);
        return set.toArray(Float[]::new);
    }

    private static double dropped(float[] values) {
        long zeros = 0;
        for (float v : values) if (v == 0) zeros++;
        return zeros / (double) values.length;
    }
}
