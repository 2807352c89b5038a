package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;

/** Position-wise feed-forward: lin1, activation, lin2 (HF {@code FFN} / {@code BertIntermediate+BertOutput}). */
final class FeedForward {
    private final Linear in;
    private final Linear out;
    private final Activation activation;

    FeedForward(ParamFactory p, String prefix, Architecture.BlockNames n, ModelConfig c) {
        in = p.linear(prefix + n.ffnIn(), c.hiddenSize(), c.intermediateSize());
        out = p.linear(prefix + n.ffnOut(), c.intermediateSize(), c.hiddenSize());
        activation = c.activation();
    }

    /** x + dropout p on the feed-forward of x: (B, T, H). */
    Tensor forward(Tensor x, Dropout drop, double p) {
        return out.forward(in.forward(x, activation), x, drop, p);                          // (B, T, H)
    }
}
