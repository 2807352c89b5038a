package dev.headwise.model;

import dev.headwise.Task;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Autograd's gradient of every head's loss against central finite differences, in float64. */
class GradientCheckTest {

    static Stream<Arguments> cases() {
        return Stream.of(Task.values()).flatMap(t -> Stream.of(Architecture.values())
                .map(a -> Arguments.of(t, TinyModels.of(a))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void lossGradientMatchesFiniteDifferences(Task task, ModelConfig config) {
        torch.manual_seed(7);
        Heads heads = TinyModels.heads(task);
        var model = TextClassifier.create(new ClassifierConfig(config, heads), TinyModels.CPU, torch.ScalarType.Double);
        float[] pw = task == Task.MULTILABEL ? new float[]{1, 2, 0.5f, 3} : null;
        float[] cw = task == Task.MULTICLASS ? new float[]{1, 2, 0.5f} : null;
        double[] lw = task == Task.HIERARCHICAL ? new double[]{1.0, 0.5} : null;
        var loss = new Loss(heads, new Loss.LossOptions(cw, pw, lw));
        Tensor[] batch = TinyModels.batch(3, 4, 6, config.vocabSize());
        Tensor y = TinyModels.targets(heads, 5, 4, torch.ScalarType.Double);
        Parameters params = model.parameters();

        params.zeroGrad();
        loss.compute(model.logits(batch[0], batch[1], null, false), y).backward();
        double[] grad = toDoubles(params.flatGrad());

        var rnd = new SplittableRandom(11);
        double h = 1e-6;
        int checked = 0;
        for (var e : params.named().entrySet()) {
            Tensor p = e.getValue();
            if (!p.requires_grad()) continue;
            long offset = p.data_ptr().address() - params.flat().data_ptr().address();
            // Two elements per parameter; word-embedding rows of unused tokens have zero gradient, so
            // sample them among the tokens the batch uses.
            for (int k = 0; k < 2; k++) {
                long i = offset / 8 + rnd.nextLong(p.numel());
                double numeric = (lossAt(model, loss, batch, y, params, i, h) - lossAt(model, loss, batch, y, params, i, -h))
                        / (2 * h);
                assertEquals(numeric, grad[(int) i], 1e-6 + 1e-4 * Math.abs(numeric), e.getKey() + "[" + i + "]");
                checked++;
            }
        }
        assertTrue(checked > 40, "checked " + checked);
    }

    private static double lossAt(TextClassifier model, Loss loss, Tensor[] batch, Tensor y, Parameters params,
                                 long index, double delta) {
        try (var scope = new PointerScope(); var noGrad = new NoGradGuard()) {
            Tensor element = params.flat().narrow(0, index, 1);
            element.add_(new Scalar(delta));
            double value = loss.compute(model.logits(batch[0], batch[1], null, false), y).item_double();
            element.sub_(new Scalar(delta));
            return value;
        }
    }

    private static double[] toDoubles(Tensor t) {
        double[] out = new double[(int) t.numel()];
        t.contiguous().data_ptr_double().get(out);
        return out;
    }
}
