package dev.headwise.model;

import dev.headwise.HeadwiseException;

/**
 * The encoder's shape and regularisation: every {@code config.json} field that changes the math.
 * Read and written by {@link ConfigJson}; validates itself so a bad config fails before any tensor exists.
 *
 * @param classifierDropout dropout before the classifier (DistilBERT {@code seq_classif_dropout}; BERT
 *                          {@code classifier_dropout}, falling back to {@code hidden_dropout_prob})
 * @param sinusoidalPositions DistilBERT's fixed sin/cos position table instead of a learned one
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        int maxPositions,
        int typeVocabSize,
        double hiddenDropout,
        double attentionDropout,
        double classifierDropout,
        Activation activation,
        double layerNormEps,
        double initializerRange,
        int padTokenId,
        boolean sinusoidalPositions) {

    public ModelConfig {
        if (architecture == null) throw new HeadwiseException("config: model_type is missing.");
        positive("vocab_size", vocabSize);
        positive("hidden size", hiddenSize);
        positive("number of layers", numLayers);
        positive("number of attention heads", numHeads);
        positive("intermediate size", intermediateSize);
        positive("max_position_embeddings", maxPositions);
        if (hiddenSize % numHeads != 0) {
            throw new HeadwiseException("config: hidden size " + hiddenSize + " is not a multiple of the "
                    + numHeads + " attention heads.");
        }
        if (architecture == Architecture.BERT) positive("type_vocab_size", typeVocabSize);
        probability("hidden dropout", hiddenDropout);
        probability("attention dropout", attentionDropout);
        probability("classifier dropout", classifierDropout);
        if (activation == null) throw new HeadwiseException("config: activation is missing.");
        if (!(layerNormEps > 0 && layerNormEps < 1)) {
            throw new HeadwiseException("config: layer_norm_eps must be in (0, 1), got " + layerNormEps + ".");
        }
        if (!(initializerRange > 0)) {
            throw new HeadwiseException("config: initializer_range must be positive, got " + initializerRange + ".");
        }
        if (padTokenId < 0 || padTokenId >= vocabSize) {
            throw new HeadwiseException("config: pad_token_id " + padTokenId + " is outside the vocabulary of "
                    + vocabSize + ".");
        }
        if (sinusoidalPositions && architecture != Architecture.DISTILBERT) {
            throw new HeadwiseException("config: sinusoidal position embeddings exist only for distilbert.");
        }
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** HF's defaults for distilbert-base-uncased, the shape most tutorials fine-tune. */
    public static ModelConfig distilbertBase() {
        return new ModelConfig(Architecture.DISTILBERT, 30522, 768, 6, 12, 3072, 512, 0,
                0.1, 0.1, 0.2, Activation.GELU, 1e-12, 0.02, 0, false);
    }

    /** A copy with a different size, for tests and from-scratch runs. */
    public ModelConfig withSize(int vocab, int hidden, int layers, int heads, int intermediate, int positions) {
        return new ModelConfig(architecture, vocab, hidden, layers, heads, intermediate, positions, typeVocabSize,
                hiddenDropout, attentionDropout, classifierDropout, activation, layerNormEps, initializerRange,
                Math.min(padTokenId, vocab - 1), sinusoidalPositions);
    }

    public ModelConfig withDropout(double hidden, double attention, double classifier) {
        return new ModelConfig(architecture, vocabSize, hiddenSize, numLayers, numHeads, intermediateSize,
                maxPositions, typeVocabSize, hidden, attention, classifier, activation, layerNormEps,
                initializerRange, padTokenId, sinusoidalPositions);
    }

    private static void positive(String what, int v) {
        if (v <= 0) throw new HeadwiseException("config: " + what + " must be positive, got " + v + ".");
    }

    private static void probability(String what, double p) {
        if (!(p >= 0 && p < 1)) throw new HeadwiseException("config: " + what + " must be in [0, 1), got " + p + ".");
    }
}
