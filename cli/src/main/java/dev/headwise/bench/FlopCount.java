package dev.headwise.bench;

import dev.headwise.model.ModelConfig;
import dev.headwise.model.TextClassifier;

/**
 * Model FLOPs of a training step, counted the way MFU figures usually are (Kaplan et al., PaLM appendix B):
 * {@code 6 x N x tokens} for the matrix products of forward (2) and backward (4) through the N non-embedding
 * parameters, plus {@code 12 x layers x seq^2 x hidden} per sequence for the attention scores and their
 * weighted sum (QK^T and AV: 2 x 2 x seq^2 x hidden forward, twice that backward). Embedding lookups,
 * softmax, layer norms, activations and the optimizer are not counted.
 */
public final class FlopCount {
    /** The formula as printed in reports. */
    public static final String FORMULA = "batch * seq * (6 * non_embedding_params + 12 * layers * seq * hidden)";

    private FlopCount() {}

    /** Parameters outside the word, position and token-type tables: blocks, embedding LayerNorm, pooler, heads. */
    public static long nonEmbeddingParameters(TextClassifier model) {
        return model.parameters().named().entrySet().stream()
                .filter(e -> !e.getKey().endsWith("_embeddings.weight"))
                .mapToLong(e -> e.getValue().numel())
                .sum();
    }

    /** FLOPs of one forward + backward pass over {@code batch} sequences of {@code seq} tokens. */
    public static double trainingStep(long nonEmbeddingParameters, ModelConfig config, int batch, int seq) {
        double tokens = (double) batch * seq;
        return tokens * (6.0 * nonEmbeddingParameters + 12.0 * config.numLayers() * seq * config.hiddenSize());
    }
}
