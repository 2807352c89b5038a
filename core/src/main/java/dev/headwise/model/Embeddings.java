package dev.headwise.model;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Word + position (+ token-type for BERT and RoBERTa) embeddings, then LayerNorm and dropout, as HF's
 * {@code Embeddings} / {@code BertEmbeddings} / {@code RobertaEmbeddings}. Positions are 0..T-1, except
 * RoBERTa's, which count a text's tokens from {@code pad_token_id + 1} and give padding the pad id's row.
 */
final class Embeddings {
    private final Tensor wordEmbeddings;
    private final Tensor positionEmbeddings;
    private final Tensor tokenTypeEmbeddings; // null for DistilBERT
    private final LayerNorm layerNorm;
    private final double dropout;
    private final int padTokenId;
    private final boolean positionsFromIds;

    Embeddings(ParamFactory p, String prefix, ModelConfig c) {
        positionsFromIds = c.architecture() == Architecture.ROBERTA;
        wordEmbeddings = p.create(prefix + "word_embeddings.weight", Init.NORMAL_PADDED, c.vocabSize(), c.hiddenSize());
        positionEmbeddings = p.create(prefix + "position_embeddings.weight", c.sinusoidalPositions() ? Init.SINUSOIDAL
                : positionsFromIds ? Init.NORMAL_PADDED : Init.NORMAL, c.maxPositions(), c.hiddenSize());
        tokenTypeEmbeddings = c.typeVocabSize() > 0
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
        Tensor x = torch.embedding(wordEmbeddings, ids, padTokenId, false, true);          // (B, T, H)
        x = positionsFromIds ? x.add(torch.embedding(positionEmbeddings, positionIds(ids), padTokenId, false, false))
                : x.add(positionEmbeddings.narrow(0, 0, t));                                 // + (T, H)
        if (tokenTypeEmbeddings != null) {
            x = typeIds == null ? x.add(tokenTypeEmbeddings.select(0, 0))                    // + (H)
                    : x.add(torch.embedding(tokenTypeEmbeddings, typeIds));                  // + (B, T, H)
        }
        return drop.apply(layerNorm.forward(x), dropout);
    }

    /** HF's create_position_ids_from_input_ids: pad + the count of non-pad ids so far, pad for padding. (B, T) */
    private Tensor positionIds(Tensor ids) {
        Tensor real = ids.ne(new Scalar((long) padTokenId)).to(torch.ScalarType.Long);     // (B, T)
        return torch.cumsum(real, 1).mul_(real).add_(new Scalar((long) padTokenId));
    }
}
