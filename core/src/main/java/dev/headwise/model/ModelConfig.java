package dev.headwise.model;

import dev.headwise.HeadwiseException;

/**
 * The encoder's shape and regularisation: every {@code config.json} field that changes the math.
 * Read and written by {@link ConfigJson}; validates itself so a bad config fails before any tensor exists.
 *
 * @param maxPositions      learned position rows ({@code max_position_embeddings}); XLNet, whose positions are
 *                          relative, has no limit: {@link Integer#MAX_VALUE}
 * @param typeVocabSize     token types (BERT, RoBERTa); 0 for DistilBERT and XLNet, which have no type embeddings
 * @param classifierDropout dropout before the classifier (DistilBERT {@code seq_classif_dropout}; BERT and RoBERTa
 *                          {@code classifier_dropout}, falling back to {@code hidden_dropout_prob}; XLNet
 *                          {@code summary_last_dropout})
 * @param sinusoidalPositions DistilBERT's fixed sin/cos position table instead of a learned one
 * @param clampLength       XLNet's {@code clamp_len}: relative distances beyond it count as it; 0 or less, no clamp
 * @param summaryFirstDropout XLNet's {@code summary_first_dropout}, on the last token before the summary layer
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numAttentionHeads,
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
        boolean sinusoidalPositions,
        int clampLength,
        double summaryFirstDropout) {

    /** A BERT-family config: no XLNet settings. */
    public ModelConfig(Architecture architecture, int vocabSize, int hiddenSize, int numLayers, int numAttentionHeads,
                       int intermediateSize, int maxPositions, int typeVocabSize, double hiddenDropout,
                       double attentionDropout, double classifierDropout, Activation activation, double layerNormEps,
                       double initializerRange, int padTokenId, boolean sinusoidalPositions) {
        this(architecture, vocabSize, hiddenSize, numLayers, numAttentionHeads, intermediateSize, maxPositions, typeVocabSize,
                hiddenDropout, attentionDropout, classifierDropout, activation, layerNormEps, initializerRange, padTokenId,
                sinusoidalPositions, -1, 0);
    }

    public ModelConfig {
        if (architecture == null) throw new HeadwiseException("config: model_type is missing.");
        positive("vocab_size", vocabSize);
        positive("hidden size", hiddenSize);
        positive("number of layers", numLayers);
        positive("number of attention heads", numAttentionHeads);
        positive("intermediate size", intermediateSize);
        positive("max_position_embeddings", maxPositions);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new HeadwiseException("config: hidden size " + hiddenSize + " is not a multiple of the "
                    + numAttentionHeads + " attention heads.");
        }
        if (architecture == Architecture.BERT || architecture == Architecture.ROBERTA) {
            positive("type_vocab_size", typeVocabSize);
        }
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
        probability("summary_first_dropout", summaryFirstDropout);
        if (architecture != Architecture.XLNET && (clampLength > 0 || summaryFirstDropout > 0)) {
            throw new HeadwiseException("config: clamp_len and summary_first_dropout exist only for xlnet.");
        }
        if (architecture == Architecture.XLNET && attentionDropout != hiddenDropout) {
            throw new HeadwiseException("config: XLNet has one dropout for attention and hidden states.");
        }
        if (architecture == Architecture.ROBERTA && maxPositions - padTokenId - 1 < 2) {
            throw new HeadwiseException("config: max_position_embeddings " + maxPositions + " leaves RoBERTa, whose "
                    + "positions start after pad_token_id " + padTokenId + ", no room for a text.");
        }
    }

    /**
     * The longest input, in tokens, the model's positions allow: RoBERTa's first position is
     * {@code pad_token_id + 1}, as HF computes positions from the input ids; XLNet has no limit.
     */
    public int maxLength() {
        return architecture == Architecture.ROBERTA ? maxPositions - padTokenId - 1 : maxPositions;
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
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
                Math.min(padTokenId, vocab - 1), sinusoidalPositions, clampLength, summaryFirstDropout);
    }

    public ModelConfig withDropout(double hidden, double attention, double classifier) {
        return new ModelConfig(architecture, vocabSize, hiddenSize, numLayers, numAttentionHeads, intermediateSize,
                maxPositions, typeVocabSize, hidden, attention, classifier, activation, layerNormEps,
                initializerRange, padTokenId, sinusoidalPositions, clampLength, summaryFirstDropout);
    }

    private static void positive(String what, int v) {
        if (v <= 0) throw new HeadwiseException("config: " + what + " must be positive, got " + v + ".");
    }

    private static void probability(String what, double p) {
        if (!(p >= 0 && p < 1)) throw new HeadwiseException("config: " + what + " must be in [0, 1), got " + p + ".");
    }
}
