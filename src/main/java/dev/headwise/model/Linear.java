package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** y = x W^T + b, with W stored (out, in) as in PyTorch checkpoints. */
record Linear(Tensor weight, Tensor bias) {
    Tensor forward(Tensor x) {
        return torch.linear(x, weight, new TensorOptional(bias));
    }
}
