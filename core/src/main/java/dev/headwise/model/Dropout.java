package dev.headwise.model;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Dropout as a forward pass applies it: {@code x * noise}, the noise 0 with probability p and 1/(1-p)
 * otherwise, as libtorch's {@code dropout}. What differs between implementations is how the noise is drawn.
 */
interface Dropout {
    /** x with dropout probability p in [0, 1) applied. */
    Tensor apply(Tensor x, double p);

    /** No dropout: evaluation and inference. */
    Dropout OFF = (x, p) -> x;

    /** libtorch's own {@code dropout}: the reference, and what CUDA uses (its fused kernel draws in parallel). */
    Dropout LIBTORCH = (x, p) -> torch.dropout(x, p, true);

    /** What a training forward on {@code device} uses: {@link CounterDropout} on the CPU. */
    static Dropout forTraining(Device device) {
        return device.is_cpu() ? CounterDropout.INSTANCE : LIBTORCH;
    }
}
