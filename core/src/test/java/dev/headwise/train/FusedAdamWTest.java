package dev.headwise.train;

import dev.headwise.Task;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.Heads;
import dev.headwise.model.LinearBackend;
import dev.headwise.model.Loss;
import dev.headwise.model.ModelInput;
import dev.headwise.model.Tensors;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TinyModels;
import dev.headwise.ffm.kernels.PackedLinearKernel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FusedAdamWTest {

    /** Five clipped, weight-decayed steps through the fused kernel land where the plain ops do. */
    @Test
    void fusedKernelGivesThePlainParameters() {
        Heads heads = TinyModels.heads(Task.MULTICLASS);
        var batch = TinyModels.input(heads, 5, 8, 12);
        float[] initial = Tensors.toFloats(model(heads).parameters().flat());

        TextClassifier plain = train(heads, batch, AdamW.Kernel.PLAIN);
        TextClassifier fused = train(heads, batch, AdamW.Kernel.FUSED);

        float[] a = Tensors.toFloats(plain.parameters().flat());
        float[] b = Tensors.toFloats(fused.parameters().flat());
        assertTrue(maxDiff(a, initial) > 1e-3, "the steps should move the parameters");
        assertTrue(maxDiff(a, b) <= 1e-6, "max |plain - fused| = " + maxDiff(a, b));
    }

    /**
     * The fused kernel changes the weights outside autograd's view; the training step tells the model, so a
     * model on the packed kernel infers from every step's weights. The kernel leaves the training forwards
     * (autograd) to libtorch: the parameters are exactly those of a model on libtorch alone.
     */
    @Test
    void packedBackendFollowsEveryFusedStepAndLeavesTrainingAlone() {
        PackedLinearKernel kernel = PackedLinearKernel.get().orElse(null);
        assumeTrue(kernel != null, "neither AVX-512F nor AVX2 on this CPU, or the kernel library was not built");
        Heads heads = TinyModels.heads(Task.MULTICLASS);
        var batch = TinyModels.input(heads, 5, 8, 12);
        TextClassifier reference = model(heads);
        TextClassifier model = model(heads);
        model.useLinearBackend(LinearBackend.packed(kernel, Long.MAX_VALUE));
        TrainingStep referenceStep = step(reference, heads);
        TrainingStep step = step(model, heads);
        for (int i = 0; i < 3; i++) {
            try (var scope = new PointerScope()) {
                referenceStep.accumulate(batch, 1.0);
                referenceStep.update(1e-2);
                step.accumulate(batch, 1.0);
                step.update(1e-2);
                assertArrayEquals(Tensors.toFloats(reference.parameters().flat()), Tensors.toFloats(model.parameters().flat()),
                        "step " + i + ": the same parameters");
                float[] autograd = Tensors.toFloats(model.logits(batch.ids(), batch.mask(), null, false));
                float[] inference;
                try (var mode = new InferenceMode()) {
                    inference = Tensors.toFloats(model.logits(batch.ids(), batch.mask(), null, false));
                }
                assertArrayEquals(autograd, inference, 1e-5f, "step " + i);
            }
        }
    }

    private static TrainingStep step(TextClassifier model, Heads heads) {
        var optimizer = new AdamW(model.parameters(), new AdamW.Options(0.9, 0.999, 1e-8, 0.1), true, AdamW.Kernel.FUSED);
        return new TrainingStep(model, new Loss(heads, Loss.LossOptions.NONE), optimizer, 0.5);
    }

    private static TextClassifier model(Heads heads) {
        torch.manual_seed(3);
        return TextClassifier.create(new ClassifierConfig(TinyModels.bert().withDropout(0, 0, 0), heads), TinyModels.CPU);
    }

    private static TextClassifier train(Heads heads, ModelInput batch, AdamW.Kernel kernel) {
        TextClassifier model = model(heads);
        var optimizer = new AdamW(model.parameters(), new AdamW.Options(0.9, 0.999, 1e-8, 0.1), true, kernel);
        var step = new TrainingStep(model, new Loss(heads, Loss.LossOptions.NONE), optimizer, 0.5);
        for (int i = 0; i < 5; i++) {
            try (var scope = new PointerScope()) {
                step.accumulate(batch, 1.0);
                step.update(1e-2);
            }
        }
        return model;
    }

    private static double maxDiff(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        return worst;
    }
}
