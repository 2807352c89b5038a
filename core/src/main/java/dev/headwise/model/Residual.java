package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;

/**
 * A skip connection, x + dropout(sublayer(x)), around a sublayer that ends in a Linear projection. The
 * sublayer hands that projection back uncomputed ({@link Projection}), so that without dropout the product
 * adds x as it stores its output ({@link Linear#forwardAdding}) instead of a separate pass over the activations.
 */
final class Residual {
    private Residual() {}

    /** A sublayer's output projection of {@code input}, not yet computed. */
    record Projection(Linear layer, Tensor input) {}

    /** x + dropout p on {@code sublayer}'s output, which is laid out as x. */
    static Tensor add(Tensor x, Projection sublayer, Dropout drop, double p) {
        if (drop != Dropout.OFF && p > 0) return drop.apply(sublayer.layer().forward(sublayer.input()), p).add(x);
        return sublayer.layer().forwardAdding(sublayer.input(), x);
    }
}
