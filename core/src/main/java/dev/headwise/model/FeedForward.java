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
    private final double activationDropout;

    /** {@code in} and {@code out} are the two layers' checkpoint names. */
    FeedForward(ParamFactory p, String in, String out, ModelConfig c, boolean dropoutAfterActivation) {
        this.in = p.linear(in, c.hiddenSize(), c.intermediateSize());
        this.out = p.linear(out, c.intermediateSize(), c.hiddenSize());
        activation = c.activation();
        activationDropout = dropoutAfterActivation ? c.hiddenDropout() : 0;
    }

    /** The feed-forward of x (B, T, H), its last product uncomputed: (B, T, H) once computed. */
    Residual.Projection forward(Tensor x, Dropout drop) {
        Tensor h = in.forward(x, activation);                                               // (B, T, I)
        if (activationDropout > 0) h = drop.apply(h, activationDropout);
        return new Residual.Projection(out, h);
    }
}
