package dev.headwise.model;

import dev.headwise.Task;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The word-embedding gradient: sparse out of autograd, summed into the dense flat gradient buffer, none for the pad row. */
class EmbeddingsTest {
    @Test
    void wordEmbeddingGradientGoesToTheFlatBufferExceptForThePadRow() {
        torch.manual_seed(3);
        ModelConfig c = TinyModels.distilbert();
        var model = TextClassifier.create(new ClassifierConfig(c, TinyModels.heads(Task.MULTICLASS)), TinyModels.CPU);
        Parameters params = model.parameters();
        try (var scope = new PointerScope()) {
            long[] ids = {5, c.padTokenId(), 7, 5, 9, c.padTokenId()}; // the pad token attended as any other
            params.zeroGrad();
            Tensor hidden = model.hidden(Tensors.longs(ids, 2, 3), Tensors.longs(new long[] {1, 1, 1, 1, 1, 1}, 2, 3),
                    null, false);
            // A random projection: a plain sum of the last LayerNorm's output has zero gradient.
            hidden.mul(torch.randn(Tensors.shape(hidden))).sum().backward();
            String name = c.architecture().basePrefix + "embeddings.word_embeddings.weight";
            Tensor word = params.named().get(name);
            Tensor grad = word.grad();
            assertFalse(grad.is_sparse());
            long offset = word.data_ptr().address() - params.flat().data_ptr().address();
            assertEquals(params.flatGrad().data_ptr().address() + offset, grad.data_ptr().address(),
                    "the gradient is still the flat buffer's view");
            float[] rowSums = Tensors.toFloats(grad.abs().sum(1));
            for (int token = 0; token < rowSums.length; token++) {
                boolean used = token == 5 || token == 7 || token == 9;
                assertEquals(used, rowSums[token] > 0, "token " + token + " gradient " + rowSums[token]);
            }
        }
    }
}
