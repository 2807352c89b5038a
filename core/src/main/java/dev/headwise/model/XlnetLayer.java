package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;

/** HF {@code XLNetLayer}: relative attention ({@code rel_attn}), then the feed-forward ({@code ff}), each post-LN. */
final class XlnetLayer {
    private final RelativeAttention attention;
    private final FeedForward ff;
    private final LayerNorm ffNorm;
    private final double dropout;

    XlnetLayer(ParamFactory p, String prefix, ModelConfig c) {
        attention = new RelativeAttention(p, prefix + "rel_attn.", c);
        ff = new FeedForward(p, prefix + "ff.layer_1", prefix + "ff.layer_2", c, true);
        ffNorm = p.layerNorm(prefix + "ff.layer_norm", c.hiddenSize(), c.layerNormEps());
        dropout = c.hiddenDropout();
    }

    /** x: (B, T, H). With {@code lastOnly} only the last token's row is computed: (B, 1, H); else (B, T, H). */
    Tensor forward(Tensor x, Tensor pos, Tensor otherSegment, Tensor keyMask, Dropout drop, boolean lastOnly) {
        Tensor h = attention.forward(x, pos, otherSegment, keyMask, drop, lastOnly);        // (B, Tq, H)
        return ffNorm.forward(Residual.add(h, ff.forward(h, drop), drop, dropout));         // LN(h + ff(h))
    }
}
