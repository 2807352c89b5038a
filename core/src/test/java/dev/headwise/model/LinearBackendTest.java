package dev.headwise.model;

import dev.headwise.Task;
import dev.headwise.ffm.kernels.Int8LinearKernel;
import dev.headwise.ffm.kernels.PackedLinearKernel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The backends on one model in one JVM: the packed kernel's logits and hidden states against libtorch's, per architecture. */
class LinearBackendTest {
    @ParameterizedTest
    @EnumSource(Architecture.class)
    void packedKernelGivesLibtorchsOutputs(Architecture a) {
        PackedLinearKernel kernel = PackedLinearKernel.get().orElse(null);
        assumeTrue(kernel != null, "neither AVX-512F nor AVX2 on this CPU, or the kernel library was not built");
        torch.manual_seed(5);
        ModelConfig c = TinyModels.of(a);
        TextClassifier model = TextClassifier.create(new ClassifierConfig(c, TinyModels.heads(Task.HIERARCHICAL)), TinyModels.CPU);
        Tensor[] batch = TinyModels.batch(4, 3, 12, c.vocabSize());
        float[][] reference = outputs(model, batch);
        // The crossover's limit leaves the full blocks' products to libtorch; no limit puts every product on the kernel.
        for (long maxRows : new long[]{256, Long.MAX_VALUE}) {
            var served = new AtomicInteger();
            model.useLinearBackend(counting(LinearBackend.packed(kernel, maxRows), served));
            float[][] packed = outputs(model, batch);
            assertTrue(served.get() > 0, "the kernel served products at " + maxRows + " rows");
            assertArrayEquals(reference[0], packed[0], 1e-5f, "logits, " + maxRows + " rows");
            assertArrayEquals(reference[1], packed[1], 1e-5f, "hidden states, " + maxRows + " rows");
        }
        model.useLinearBackend(LinearBackend.libtorch());
        float[][] again = outputs(model, batch);
        assertArrayEquals(reference[0], again[0], "back on libtorch: its logits exactly");
        assertArrayEquals(reference[1], again[1]);
    }

    /** Without autograd the int8 kernel serves every product of a model, whatever its rows: nothing falls back to fp32. */
    @Test
    void int8KernelServesEveryInferenceProduct() {
        Int8LinearKernel kernel = Int8LinearKernel.get().orElse(null);
        assumeTrue(kernel != null, "no int8 kernel variant runs on this CPU");
        torch.manual_seed(6);
        ModelConfig c = TinyModels.distilbert();
        TextClassifier model = TextClassifier.create(new ClassifierConfig(c, TinyModels.heads(Task.MULTICLASS)), TinyModels.CPU);
        var served = new AtomicInteger();
        var asked = new AtomicInteger();
        model.useLinearBackend((weight, bias) -> {
            LinearBackend.Product p = LinearBackend.int8(kernel).bind(weight, bias);
            return (x, act, residual) -> {
                asked.incrementAndGet();
                Tensor y = p.forward(x, act, residual);
                if (y != null) served.incrementAndGet();
                return y;
            };
        });
        outputs(model, TinyModels.batch(4, 3, 12, c.vocabSize()));
        assertTrue(asked.get() > 0);
        assertEquals(asked.get(), served.get(), "without autograd, int8 serves every product");
    }

    @Test
    void int8RefusesAWeightOffTheCpu() {
        Int8LinearKernel kernel = Int8LinearKernel.get().orElse(null);
        assumeTrue(kernel != null, "no int8 kernel variant runs on this CPU");
        try (var scope = new PointerScope()) {
            Tensor meta = torch.empty(new long[]{4, 4}, new org.bytedeco.pytorch.TensorOptions(new org.bytedeco.pytorch.Device("meta")),
                    new org.bytedeco.pytorch.MemoryFormatOptional());
            var e = assertThrows(dev.headwise.HeadwiseException.class, () -> LinearBackend.int8(kernel).bind(meta, meta.select(1, 0)));
            assertEquals("int8 inference runs on the CPU only.", e.getMessage());
        }
    }

    /** Weights changed in place, the model told: every backend's products are those of a fresh bind to the new weights. */
    @Test
    void everyBackendFollowsTheWeightsOnceTold() {
        torch.manual_seed(8);
        ModelConfig c = TinyModels.distilbert();
        TextClassifier model = TextClassifier.create(new ClassifierConfig(c, TinyModels.heads(Task.BINARY)), TinyModels.CPU);
        Tensor[] batch = TinyModels.batch(5, 3, 12, c.vocabSize());
        var backends = new java.util.ArrayList<>(java.util.List.of(LinearBackend.libtorch(), LinearBackend.bf16()));
        PackedLinearKernel.get().ifPresent(k -> backends.add(LinearBackend.packed(k, Long.MAX_VALUE)));
        Int8LinearKernel.get().ifPresent(k -> backends.add(LinearBackend.int8(k)));
        for (LinearBackend backend : backends) {
            model.useLinearBackend(backend);
            float[] before = outputs(model, batch)[0];
            try (var scope = new PointerScope(); var noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
                model.parameters().flat().mul_(new org.bytedeco.pytorch.Scalar(-1.5));
            }
            model.weightsChanged();
            float[] told = outputs(model, batch)[0];
            model.useLinearBackend(backend);
            assertArrayEquals(outputs(model, batch)[0], told, "the copies were made again");
            assertTrue(!java.util.Arrays.equals(before, told), "the logits changed with the weights");
        }
    }

    private static LinearBackend counting(LinearBackend backend, AtomicInteger served) {
        return (weight, bias) -> {
            LinearBackend.Product p = backend.bind(weight, bias);
            return p == null ? null : (x, act, residual) -> {
                Tensor y = p.forward(x, act, residual);
                if (y != null) served.incrementAndGet();
                return y;
            };
        };
    }

    /** Logits, then every token's last hidden state, without autograd. */
    private static float[][] outputs(TextClassifier model, Tensor[] batch) {
        try (var scope = new PointerScope(); var mode = new InferenceMode()) {
            return new float[][]{Tensors.toFloats(model.logits(batch[0], batch[1], null, false)),
                    Tensors.toFloats(model.hidden(batch[0], batch[1], null, false))};
        }
    }
}
