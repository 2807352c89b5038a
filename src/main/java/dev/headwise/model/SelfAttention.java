package dev.headwise.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** Multi-head self-attention through {@code scaled_dot_product_attention}, padding keys masked out. */
final class SelfAttention {
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear out;
    private final int heads;
    private final double dropout;

    SelfAttention(ParamFactory p, String prefix, Architecture.BlockNames n, ModelConfig c) {
        int h = c.hiddenSize();
        query = p.linear(prefix + n.query(), h, h);
        key = p.linear(prefix + n.key(), h, h);
        value = p.linear(prefix + n.value(), h, h);
        out = p.linear(prefix + n.attentionOut(), h, h);
        heads = c.numAttentionHeads();
        dropout = c.attentionDropout();
    }

    /**
     * queries: the rows to compute outputs for, (B, Tq, H): all of x, or a leading slice of it;
     * x: (B, T, H); keyMask: (B, 1, 1, T) bool, true where a token may be attended to. Returns the attention
     * output, after dropout {@code outDropout} on it, plus the residual {@code queries}: (B, Tq, H).
     */
    Tensor forward(Tensor queries, Tensor x, Tensor keyMask, Dropout drop, double outDropout) {
        Tensor q = splitHeads(query.forward(queries));                                       // (B, nh, Tq, hd)
        Tensor k = splitHeads(key.forward(x));                                               // (B, nh, T, hd)
        Tensor v = splitHeads(value.forward(x));
        Tensor y = drop != Dropout.OFF && dropout > 0 ? explicitAttention(q, k, v, keyMask, drop, dropout)
                : torch.scaled_dot_product_attention(q, k, v, new TensorOptional(keyMask), 0.0, false,
                new DoubleOptional(), false);                                                  // (B, nh, Tq, hd)
        return out.forward(y.transpose(1, 2).reshape(queries.sizes()), queries, drop, outDropout); // (B, Tq, H)
    }

    /**
     * softmax(q k^T / sqrt(hd) + mask) with dropout on the weights, then times v: HF's eager attention.
     * libtorch's CPU SDPA with dropout falls back to an unfused path that is much slower than this
     * (docs/performance.md, decision log), so training with attention dropout takes this route; without dropout SDPA's fused kernels win.
     * As HF, q is scaled rather than the scores (half the elements at T = 2 hd), and the mask is added in
     * place, so neither takes a pass over the (B, nh, Tq, T) scores forward or backward.
     */
    static Tensor explicitAttention(Tensor q, Tensor k, Tensor v, Tensor keyMask, Dropout drop, double dropout) {
        Tensor maskBias = q.new_zeros(keyMask.sizes())                                     // q's dtype and device
                .masked_fill_(keyMask.logical_not(), new Scalar(Double.NEGATIVE_INFINITY));  // (B, 1, 1, T)
        Tensor scores = torch.matmul(q.mul(new Scalar(1.0 / Math.sqrt(q.size(3)))), k.transpose(-2, -1))
                .add_(maskBias);                                                            // (B, nh, Tq, T)
        Tensor weights = drop.apply(torch.softmax(scores, -1), dropout);
        return torch.matmul(weights, v);                                                   // (B, nh, Tq, hd)
    }

    private Tensor splitHeads(Tensor x) {
        return x.view(x.size(0), x.size(1), heads, x.size(2) / heads).transpose(1, 2);
    }
}
