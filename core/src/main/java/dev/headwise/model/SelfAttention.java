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
    private final StackedLinear queryKeyValue;
    private final Linear out;
    private final int heads;
    private final double dropout;

    SelfAttention(ParamFactory p, String prefix, Architecture.BlockNames n, ModelConfig c) {
        int h = c.hiddenSize();
        query = p.unboundLinear(prefix + n.query(), h, h);
        key = p.unboundLinear(prefix + n.key(), h, h);
        value = p.unboundLinear(prefix + n.value(), h, h);
        queryKeyValue = p.register(new StackedLinear(query, key, value));
        out = p.linear(prefix + n.attentionOut(), h, h);
        heads = c.numAttentionHeads();
        dropout = c.attentionDropout();
    }

    /**
     * queries: the rows to compute outputs for, (B, Tq, H): all of x, or a leading slice of it;
     * x: (B, T, H); keyMask: (B, 1, 1, T) bool, true where a token may be attended to. Returns the output
     * projection of the heads' values for the queries, uncomputed: (B, Tq, H) once computed.
     */
    Residual.Projection forward(Tensor queries, Tensor x, Tensor keyMask, Dropout drop) {
        Tensor[] qkv = queryKeyValue.forward(x);                                             // 3 x (B, T, H)
        Tensor q = splitHeads(qkv == null ? query.forward(queries)                            // (B, nh, Tq, hd)
                : queries.size(1) == x.size(1) ? qkv[0] : qkv[0].narrow(1, 0, queries.size(1)));
        Tensor k = splitHeads(qkv == null ? key.forward(x) : qkv[1]);                        // (B, nh, T, hd)
        Tensor v = splitHeads(qkv == null ? value.forward(x) : qkv[2]);
        Tensor y = drop != Dropout.OFF && dropout > 0 ? explicitAttention(q, k, v, keyMask, drop, dropout)
                : torch.scaled_dot_product_attention(q, k, v, new TensorOptional(keyMask), 0.0, false,
                new DoubleOptional(), false);                                                  // (B, nh, Tq, hd)
        return new Residual.Projection(out, y.transpose(1, 2).reshape(queries.sizes()));  // of (B, Tq, H)
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
