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
 * {@code logits} computes only the summary token's row in the last block (the first; XLNet's last). It must give
 * the logits and the gradients of the plain path: the HF head applied to the full last hidden state from
 * {@code hidden}.
 */
class FirstTokenOnlyTest {
    @ParameterizedTest
    @EnumSource(Architecture.class)
    void logitsAndGradientsMatchTheFullHiddenState(Architecture architecture) {
        ModelConfig c = TinyModels.of(architecture);
        Heads heads = TinyModels.heads(Task.HIERARCHICAL);
        torch.manual_seed(11);
        TextClassifier model = TextClassifier.create(new ClassifierConfig(c, heads), TinyModels.CPU, torch.ScalarType.Double);
        try (var scope = new PointerScope()) {
            Tensor[] batch = TinyModels.batch(5, 4, 9, c.vocabSize());
            Tensor weights = torch.randn(4, heads.numLogits()).to(torch.ScalarType.Double);

            // Token types 0 and 1 exercise XLNet's segment term; the BERT family reads them as token types.
            Tensor types = architecture == Architecture.XLNET ? torch.randint(2, new long[]{4, 9}, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long)) : null;
            Tensor fast = model.logits(batch[0], batch[1], types, false);
            fast.mul(weights).sum().backward();
            double[] fastGrad = toDoubles(model.parameters().flatGrad());
            model.parameters().zeroGrad();

            Tensor plain = referenceHead(model, model.hidden(batch[0], batch[1], types, false));
            plain.mul(weights).sum().backward();
            double[] plainGrad = toDoubles(model.parameters().flatGrad());

            assertArrayEquals(toDoubles(plain), toDoubles(fast), 1e-12);
            assertArrayEquals(plainGrad, fastGrad, 1e-12);
            assertTrue(java.util.Arrays.stream(fastGrad).anyMatch(g -> g != 0), "gradients reached the parameters");
        }
    }

    /**
     * HF's heads: pre_classifier + ReLU (DistilBERT) or pooler + tanh (BERT) then classifier on hidden[:, 0];
     * RobertaClassificationHead's dense + tanh + out_proj on hidden[:, 0]; XLNet's summary + tanh + logits_proj
     * on hidden[:, -1].
     */
    private static Tensor referenceHead(TextClassifier model, Tensor hidden) {
        Map<String, Tensor> p = model.parameters().named();
        Architecture a = model.config().model().architecture();
        String[] layers = switch (a) {
            case DISTILBERT -> new String[]{"pre_classifier", "classifier"};
            case BERT -> new String[]{"bert.pooler.dense", "classifier"};
            case ROBERTA -> new String[]{"classifier.dense", "classifier.out_proj"};
            case XLNET -> new String[]{"sequence_summary.summary", "logits_proj"};
        };
        Tensor token = hidden.select(1, a == Architecture.XLNET ? hidden.size(1) - 1 : 0);
        Tensor pooled = torch.linear(token, p.get(layers[0] + ".weight"), new TensorOptional(p.get(layers[0] + ".bias")));
        pooled = a == Architecture.DISTILBERT ? torch.relu(pooled) : torch.tanh(pooled);
        return torch.linear(pooled, p.get(layers[1] + ".weight"), new TensorOptional(p.get(layers[1] + ".bias")));
    }

    private static double[] toDoubles(Tensor t) {
        Tensor c = t.detach().contiguous();
        double[] out = new double[(int) c.numel()];
        c.data_ptr_double().get(out);
        return out;
    }
}
