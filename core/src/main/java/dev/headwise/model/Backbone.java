package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;

/** The base model under the classification head: {@link Encoder} for the BERT family, {@link XlnetModel} for XLNet. */
interface Backbone {
    /**
     * ids: (B, T) int64; mask: (B, T) with 1 for real tokens; typeIds: (B, T) or null (all 0).
     * Returns the last hidden state (B, T, H), or with {@code summaryOnly} just the row of the token the head
     * reads (B, 1, H): the first, or XLNet's last. A head needs nothing else from the last layer, which then
     * computes that one row.
     */
    Tensor forward(Tensor ids, Tensor mask, Tensor typeIds, Dropout drop, boolean summaryOnly);
}
