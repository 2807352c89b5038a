package dev.headwise.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The explicit attention used for training with dropout equals SDPA (the inference path) when no weight is dropped. */
class SelfAttentionTest {
    @Test
    void explicitAttentionMatchesSdpa() {
        torch.manual_seed(4);
        try (var scope = new PointerScope()) {
            Tensor q = torch.randn(2, 3, 7, 8);
            Tensor k = torch.randn(2, 3, 7, 8);
            Tensor v = torch.randn(2, 3, 7, 8);
            long[] m = {1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1};
            Tensor mask = Tensors.longs(m, 2, 7).to(torch.ScalarType.Bool).unsqueeze(1).unsqueeze(2);
            float[] sdpa = Tensors.toFloats(torch.scaled_dot_product_attention(q, k, v, new TensorOptional(mask), 0.0,
                    false, new DoubleOptional(), false));
            // The training path (softmax written out), with its dropout switched off.
            float[] explicit = Tensors.toFloats(SelfAttention.explicitAttention(q, k, v, mask, Dropout.OFF, 0.1));
            double worst = 0;
            for (int i = 0; i < sdpa.length; i++) worst = Math.max(worst, Math.abs(sdpa[i] - explicit[i]));
            assertTrue(worst < 1e-5, "max |diff| " + worst);
        }
    }
}
