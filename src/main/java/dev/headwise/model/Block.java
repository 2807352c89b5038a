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
        ffn = new FeedForward(p, prefix, n, c);
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
        Tensor a = attention.forward(rows, x, keyMask, drop);
        if (dropoutAfterAttention) a = drop.apply(a, dropout);
        Tensor h = attentionNorm.forward(a.add(rows));
        Tensor f = drop.apply(ffn.forward(h), dropout);
        return outputNorm.forward(f.add(h));                                                 // (B, Tq, H)
    }
}
