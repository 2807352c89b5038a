package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The sequence-classification head on the first token's hidden state.
 * DistilBERT: {@code pre_classifier}, ReLU, dropout, {@code classifier}.
 * BERT: {@code pooler.dense}, tanh, dropout, {@code classifier}.
 * Every label level shares the pooled vector; level k owns rows offset(k)..offset(k)+size(k) of
 * {@code classifier}, so a hierarchical model is still a plain HF checkpoint whose logits split by level.
 */
final class ClassificationHead {
    private final Linear pool;
    private final boolean tanh;
    private final Linear classifier;
    private final double dropout;

    ClassificationHead(ParamFactory p, ModelConfig c, Heads heads) {
        int h = c.hiddenSize();
        if (c.architecture() == Architecture.DISTILBERT) {
            pool = p.linear("pre_classifier", h, h);
            tanh = false;
        } else {
            pool = p.linear(Architecture.BERT.basePrefix + "pooler.dense", h, h);
            tanh = true;
        }
        classifier = p.linear("classifier", h, heads.numLogits());
        dropout = c.classifierDropout();
    }

    /** hidden: (B, T, H). Returns logits (B, numLogits). */
    Tensor forward(Tensor hidden, Dropout drop) {
        Tensor first = hidden.select(1, 0);                                                 // (B, H)
        Tensor pooled = pool.forward(first);
        pooled = tanh ? torch.tanh(pooled) : torch.relu(pooled);
        return classifier.forward(drop.apply(pooled, dropout));                             // (B, numLogits)
    }
}
