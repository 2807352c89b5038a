package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;

/**
 * A padded batch on the model's device: ids and mask (B, T) int64, token types (B, T) or null, and
 * targets shaped as {@link Loss} expects (null when predicting).
 */
public record ModelInput(Tensor ids, Tensor mask, Tensor typeIds, Tensor targets) {
    public long size() {
        return ids.size(0);
    }
}
