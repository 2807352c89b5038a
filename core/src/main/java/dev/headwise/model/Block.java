package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;

/** One post-LayerNorm transformer block: x = LN(x + attn(x)); x = LN(x + ffn(x)). */
final class Block {
    private final SelfAttention attention;
    private final LayerNorm attentionNorm;
    private final FeedForward ffn;
    private final LayerNorm outputNorm;
    private final double dropout;
    private final boolean dropoutAfterAttention;

    Block(ParamFactory p, String prefix, ModelConfig c) {
        var n = c.architecture().blockNames();
        attention = new SelfAttention(p, prefix, n, c);
        attentionNorm = p.layerNorm(prefix + n.attentionNorm(), c.hiddenSize(), c.layerNormEps());
        ffn = new FeedForward(p, prefix + n.ffnIn(), prefix + n.ffnOut(), c, false);
        outputNorm = p.layerNorm(prefix + n.outputNorm(), c.hiddenSize(), c.layerNormEps());
        dropout = c.hiddenDropout();
        dropoutAfterAttention = n.dropoutAfterAttention();
    }

    /**
     * x: (B, T, H). With {@code firstTokenOnly} only the first token's row is computed, attending to all of
     * x, and the result is (B, 1, H); otherwise (B, T, H).
     */
    Tensor forward(Tensor x, Tensor keyMask, Dropout drop, boolean firstTokenOnly) {
        Tensor rows = firstTokenOnly ? x.narrow(1, 0, 1) : x;                               // (B, Tq, H)
        Tensor h = attentionNorm.forward(Residual.add(rows, attention.forward(rows, x, keyMask, drop), drop,
                dropoutAfterAttention ? dropout : 0));                                       // LN(rows + attn(x))
        return outputNorm.forward(Residual.add(h, ffn.forward(h, drop), drop, dropout));    // LN(h + ffn(h))
    }
}
