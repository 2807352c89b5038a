package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** LayerNorm over the last dimension. */
record LayerNorm(Tensor weight, Tensor bias, double eps) {
    Tensor forward(Tensor x) {
        return torch.layer_norm(x, new long[]{weight.size(0)}, new TensorOptional(weight), new TensorOptional(bias),
                eps, false);
    }
}
