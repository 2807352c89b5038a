package dev.headwise.train;

import dev.headwise.Task;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.Heads;
import dev.headwise.model.Loss;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TinyModels;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Gradient clipping's norm against fp64, and the clipped gradients' norm. */
class ClipGradNormTest {
    @ParameterizedTest
    @ValueSource(longs = {0, 7, 16_384, 3 * 16_384 + 5, 2_000_000})
    void sumOfSquaresMatchesFp64(long n) {
        torch.manual_seed(n);
        try (var scope = new PointerScope()) {
            Tensor x = torch.randn(n);
            double reference = x.to(torch.ScalarType.Double).square().sum().item_double();
            assertEquals(reference, AdamW.sumOfSquares(x).item_double(), 1e-6 * Math.max(1, reference));
        }
    }

    @Test
    void clipsToTheMaximumAndReturnsTheNormBefore() {
        torch.manual_seed(2);
        Heads heads = TinyModels.heads(Task.MULTICLASS);
        var model = TextClassifier.create(new ClassifierConfig(TinyModels.distilbert(), heads), TinyModels.CPU);
        var optimizer = new AdamW(model.parameters(), AdamW.Options.defaults(), true, AdamW.Kernel.FUSED);
        try (var scope = new PointerScope()) {
            new TrainingStep(model, new Loss(heads, Loss.LossOptions.NONE), optimizer, 0)
                    .accumulate(TinyModels.input(heads, 3, 4, 6), 1.0);
            Tensor grad = model.parameters().flatGrad();
            double before = norm(grad);
            double max = before / 4;
            assertEquals(before, optimizer.clipGradNorm(max).item_double(), 1e-6 * before);
            assertEquals(max, norm(grad), 1e-5 * max);
        }
    }

    private static double norm(Tensor t) {
        return Math.sqrt(t.to(torch.ScalarType.Double).square().sum().item_double());
    }
}
