package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Word + position (+ token-type for BERT) embeddings, then LayerNorm and dropout, as HF's
 * {@code Embeddings} / {@code BertEmbeddings}. Positions are 0..T-1 (absolute).
 */
final class Embeddings {
    private final Tensor wordEmbeddings;
    private final Tensor positionEmbeddings;
    private final Tensor tokenTypeEmbeddings; // null for DistilBERT
    private final LayerNorm layerNorm;
    private final double dropout;
    private final int padTokenId;

    Embeddings(ParamFactory p, String prefix, ModelConfig c) {
        wordEmbeddings = p.create(prefix + "word_embeddings.weight", Init.NORMAL_PADDED, c.vocabSize(), c.hiddenSize());
        positionEmbeddings = p.create(prefix + "position_embeddings.weight",
                c.sinusoidalPositions() ? Init.SINUSOIDAL : Init.NORMAL, c.maxPositions(), c.hiddenSize());
        tokenTypeEmbeddings = c.architecture() == Architecture.BERT
                ? p.create(prefix + "token_type_embeddings.weight", Init.NORMAL, c.typeVocabSize(), c.hiddenSize())
                : null;
        layerNorm = p.layerNorm(prefix + "LayerNorm", c.hiddenSize(), c.layerNormEps());
        dropout = c.hiddenDropout();
        padTokenId = c.padTokenId();
    }

    /** ids, typeIds: (B, T) int64; typeIds may be null (all zeros). Returns (B, T, H). */
    Tensor forward(Tensor ids, Tensor typeIds, Dropout drop) {
        long t = ids.size(1);
        // As HF's padding_idx, the pad token's row gets no gradient. The gradient is sparse (the rows of the
        // batch's tokens): dense, it would be a fresh vocabulary-sized tensor every step (94 MB for BERT's
        // vocabulary), zeroed, filled and added to the parameter's gradient.
        Tensor x = torch.embedding(wordEmbeddings, ids, padTokenId, false, true)           // (B, T, H)
                .add(positionEmbeddings.narrow(0, 0, t));                                    // + (T, H)
        if (tokenTypeEmbeddings != null) {
            x = typeIds == null ? x.add(tokenTypeEmbeddings.select(0, 0))                    // + (H)
                    : x.add(torch.embedding(tokenTypeEmbeddings, typeIds));                  // + (B, T, H)
        }
        return drop.apply(layerNorm.forward(x), dropout);
    }
}
