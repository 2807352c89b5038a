package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;

/**
 * Position-wise feed-forward: lin1, activation, lin2 (HF {@code FFN} / {@code BertIntermediate+BertOutput} /
 * {@code XLNetFeedForward}, the last with dropout after the activation too).
 */
final class FeedForward {
    private final Linear in;
    private final Linear out;
    private final Activation activation;
    private final boolean dropoutAfterActivation;

    /** {@code in} and {@code out} are the two layers' checkpoint names. */
    FeedForward(ParamFactory p, String in, String out, ModelConfig c, boolean dropoutAfterActivation) {
        this.in = p.linear(in, c.hiddenSize(), c.intermediateSize());
        this.out = p.linear(out, c.intermediateSize(), c.hiddenSize());
        activation = c.activation();
        this.dropoutAfterActivation = dropoutAfterActivation;
    }

    /** x + dropout p on the feed-forward of x: (B, T, H). */
    Tensor forward(Tensor x, Dropout drop, double p) {
        Tensor h = in.forward(x, activation);                                               // (B, T, I)
        if (dropoutAfterActivation && p > 0) h = drop.apply(h, p);
        return out.forward(h, x, drop, p);                                                  // (B, T, H)
    }
}
