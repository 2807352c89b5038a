package dev.headwise.model;

import dev.headwise.Task;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code logits} computes only the first token's row in the last block. It must give the logits and the
 * gradients of the plain path: the HF head applied to the full last hidden state from {@code hidden}.
 */
class FirstTokenOnlyTest {
    @ParameterizedTest
    @EnumSource(Architecture.class)
    void logitsAndGradientsMatchTheFullHiddenState(Architecture architecture) {
        ModelConfig c = architecture == Architecture.BERT ? TinyModels.bert() : TinyModels.distilbert();
        Heads heads = TinyModels.heads(Task.HIERARCHICAL);
        torch.manual_seed(11);
        TextClassifier model = TextClassifier.create(new ClassifierConfig(c, heads), TinyModels.CPU, torch.ScalarType.Double);
        try (var scope = new PointerScope()) {
            Tensor[] batch = TinyModels.batch(5, 4, 9, c.vocabSize());
            Tensor weights = torch.randn(4, heads.numLogits()).to(torch.ScalarType.Double);

            Tensor fast = model.logits(batch[0], batch[1], null, false);
            fast.mul(weights).sum().backward();
            double[] fastGrad = toDoubles(model.parameters().flatGrad());
            model.parameters().zeroGrad();

            Tensor plain = referenceHead(model, model.hidden(batch[0], batch[1], null, false));
            plain.mul(weights).sum().backward();
            double[] plainGrad = toDoubles(model.parameters().flatGrad());

            assertArrayEquals(toDoubles(plain), toDoubles(fast), 1e-12);
            assertArrayEquals(plainGrad, fastGrad, 1e-12);
            assertTrue(java.util.Arrays.stream(fastGrad).anyMatch(g -> g != 0), "gradients reached the parameters");
        }
    }

    /** HF's head on hidden[:, 0]: pre_classifier + ReLU (DistilBERT) or pooler + tanh (BERT), then classifier. */
    private static Tensor referenceHead(TextClassifier model, Tensor hidden) {
        Map<String, Tensor> p = model.parameters().named();
        boolean bert = model.config().model().architecture() == Architecture.BERT;
        String pool = bert ? "bert.pooler.dense" : "pre_classifier";
        Tensor pooled = torch.linear(hidden.select(1, 0), p.get(pool + ".weight"), new TensorOptional(p.get(pool + ".bias")));
        pooled = bert ? torch.tanh(pooled) : torch.relu(pooled);
        return torch.linear(pooled, p.get("classifier.weight"), new TensorOptional(p.get("classifier.bias")));
    }

    private static double[] toDoubles(Tensor t) {
        Tensor c = t.detach().contiguous();
        double[] out = new double[(int) c.numel()];
        c.data_ptr_double().get(out);
        return out;
    }
}
