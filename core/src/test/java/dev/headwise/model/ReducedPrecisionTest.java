package dev.headwise.model;

import dev.headwise.Task;
import dev.headwise.ffm.kernels.Int8LinearKernel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * int8 and bf16 products against fp32 on a small model of every task, and which precision a CPU gets. The
 * tolerances (docs/quantization.md): logits of a randomly initialised model within 5% of its largest fp32 logit for int8, 2% for bf16. bf16 is
 * run here whatever the CPU: {@link TextClassifier#useLinearBackend} does not check it, only the load path does.
 */
class ReducedPrecisionTest {
    @ParameterizedTest
    @EnumSource(Task.class)
    void int8LogitsStayCloseToFp32(Task task) {
        assumeTrue(Int8LinearKernel.get().isPresent(), "no int8 kernel variant runs on this CPU");
        compare(task, InferencePrecision.INT8, 0.05);
    }

    @ParameterizedTest
    @EnumSource(Task.class)
    void bf16LogitsStayCloseToFp32(Task task) {
        compare(task, InferencePrecision.BF16, 0.02);
    }

    private static void compare(Task task, InferencePrecision precision, double tolerance) {
        torch.manual_seed(7);
        var config = new ClassifierConfig(TinyModels.distilbert().withSize(50, 64, 2, 4, 128, 24), TinyModels.heads(task));
        TextClassifier model = TextClassifier.create(config, TinyModels.CPU);
        float[] fp32 = logits(model), fp32Again;
        model.useLinearBackend(LinearBackend.forInference(precision));
        float[] reduced = logits(model);
        model.useLinearBackend(LinearBackend.libtorch());
        fp32Again = logits(model);
        assertArrayEquals(fp32, fp32Again, "libtorch restores the fp32 products");
        double scale = 0, worst = 0;
        boolean differs = false;
        for (int i = 0; i < fp32.length; i++) {
            scale = Math.max(scale, Math.abs(fp32[i]));
            worst = Math.max(worst, Math.abs(fp32[i] - reduced[i]));
            differs |= fp32[i] != reduced[i];
        }
        assertTrue(scale > 0, "logits to compare: " + scale);
        assertTrue(differs, precision + " products ran");
        System.out.printf("%s %s: max |logit - fp32| = %.4f of max |fp32 logit| %.3f%n", precision, task, worst, scale);
        assertTrue(worst <= tolerance * scale, precision + " max |diff| " + worst + " against max |logit| " + scale);
    }

    /** A padded batch of varying lengths through the whole classifier, without autograd. */
    private static float[] logits(TextClassifier model) {
        try (var scope = new PointerScope(); var mode = new InferenceMode()) {
            Tensor[] x = TinyModels.batch(3, 6, 20, 50);
            return Tensors.toFloats(model.logits(x[0], x[1], null, false));
        }
    }

    /** Training forwards (autograd on) keep the fp32 weights: the gradients are the fp32 model's. */
    @Test
    void trainingForwardsIgnoreTheReducedCopies() {
        torch.manual_seed(3);
        var config = new ClassifierConfig(TinyModels.distilbert(), TinyModels.heads(Task.MULTICLASS));
        TextClassifier model = TextClassifier.create(config, TinyModels.CPU);
        float[] before = trainLogits(model);
        model.useLinearBackend(LinearBackend.bf16());
        assertArrayEquals(before, trainLogits(model));
    }

    private static float[] trainLogits(TextClassifier model) {
        try (var scope = new PointerScope()) {
            Tensor[] x = TinyModels.batch(3, 4, 12, 50);
            return Tensors.toFloats(model.logits(x[0], x[1], null, false).detach());
        }
    }

    @Test
    void trainingPrecisionRefusesInt8SayingWhereItBelongs() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.headwise.HeadwiseException.class, () -> Precision.parse("int8"));
        assertTrue(e.getMessage().contains("int8 is for inference"), e.getMessage());
        assertEquals(InferencePrecision.INT8, InferencePrecision.parse("INT8"));
        var bad = org.junit.jupiter.api.Assertions.assertThrows(dev.headwise.HeadwiseException.class, () -> InferencePrecision.parse("fp8"));
        assertEquals("unknown inference precision 'fp8'; use fp32, int8 or bf16.", bad.getMessage());
    }

    @Test
    void cpuWithoutTheInstructionsRunsFp32AndSaysWhy() {
        var noBf16 = InferencePrecision.BF16.onCpu(Set.of("avx2", "fma", "avx512f", "avx512_vnni"), Optional.empty());
        assertEquals(InferencePrecision.FP32, noBf16.running());
        assertTrue(noBf16.note().contains("AVX512-BF16"), noBf16.note());
        var bf16 = InferencePrecision.BF16.onCpu(Set.of("avx512f", "avx512_bf16"), Optional.empty());
        assertEquals(InferencePrecision.BF16, bf16.running());
        assertNull(bf16.note());
        assertEquals(InferencePrecision.BF16, InferencePrecision.BF16.onCpu(Set.of("amx_bf16"), Optional.empty()).running());
        var noInt8 = InferencePrecision.INT8.onCpu(Set.of("sse4_2"), Optional.empty());
        assertEquals(InferencePrecision.FP32, noInt8.running());
        assertTrue(noInt8.note().contains("VNNI"), noInt8.note());
        Int8LinearKernel.get().ifPresent(k -> {
            var int8 = InferencePrecision.INT8.onCpu(Set.of(), Optional.of(k));
            assertEquals(InferencePrecision.INT8, int8.running());
            assertNull(int8.note());
        });
        assertFalse(InferencePrecision.FP32.onCpu(Set.of(), Optional.empty()).note() != null);
    }
}
