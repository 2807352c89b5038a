package dev.headwise.model;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * HF {@code XLNetRelativeAttention} on the content stream: scores from content ({@code r_w_bias}), relative
 * position ({@code r}, {@code r_r_bias}) and same-or-other segment ({@code seg_embed}, {@code r_s_bias}), then
 * {@code o}, dropout, the residual and {@code layer_norm}. The projections are stored as HF stores them,
 * (H, heads, head dim) without bias, and run as {@link Linear} layers on views of them.
 */
final class RelativeAttention {
    private final Linear q, k, v, r, o;
    private final Tensor contentBias, positionBias, segmentBias;  // r_w_bias, r_r_bias, r_s_bias: (heads, 1, hd)
    private final Tensor segmentEmbedding;                        // seg_embed as (heads, hd, 2)
    private final LayerNorm layerNorm;
    private final int heads;
    private final double scale;
    private final double dropout;

    RelativeAttention(ParamFactory p, String prefix, ModelConfig c) {
        int h = c.hiddenSize(), n = c.numAttentionHeads(), d = c.headDim();
        q = projection(p, prefix + "q", c, true);
        k = projection(p, prefix + "k", c, true);
        v = projection(p, prefix + "v", c, true);
        o = projection(p, prefix + "o", c, false);
        r = projection(p, prefix + "r", c, true);
        contentBias = p.alias(p.create(prefix + "r_w_bias", Init.NORMAL_NO_DECAY, n, d), b -> b.unsqueeze(1));
        positionBias = p.alias(p.create(prefix + "r_r_bias", Init.NORMAL_NO_DECAY, n, d), b -> b.unsqueeze(1));
        segmentBias = p.alias(p.create(prefix + "r_s_bias", Init.NORMAL_NO_DECAY, n, d), b -> b.unsqueeze(1));
        segmentEmbedding = p.alias(p.create(prefix + "seg_embed", Init.NORMAL, 2, n, d), e -> e.permute(1, 2, 0));
        layerNorm = p.layerNorm(prefix + "layer_norm", h, c.layerNormEps());
        heads = n;
        scale = 1 / Math.sqrt(d);
        dropout = c.hiddenDropout();
    }

    /**
     * A (H, heads, hd) parameter as a layer: {@code in} projects H to heads x hd (x W with W the parameter as
     * (H, H), so the layer's (out, in) weight is its transpose), else heads x hd back to H. No bias: a zero one,
     * which adds nothing, lets the layer share {@link Linear}'s paths.
     */
    private static Linear projection(ParamFactory p, String name, ModelConfig c, boolean in) {
        int h = c.hiddenSize();
        Tensor w = p.alias(p.create(name, Init.NORMAL, h, c.numAttentionHeads(), c.headDim()), t -> in ? t.view(h, h).t() : t.view(h, h));
        return p.register(new Linear(w, w.new_zeros(new long[]{h})));
    }

    /**
     * x: (B, T, H); pos: (1 or B, 2T, H), the relative position table; otherSegment: (B, T, T) bool, or null
     * for no segment term; keyMask:
     * (B, 1, T, T) bool, true where query i may attend key j. Returns LN(rows + dropout(o(attention))) for all
     * rows of x, or with {@code lastOnly} for its last row: (B, Tq, H).
     */
    Tensor forward(Tensor x, Tensor pos, Tensor otherSegment, Tensor keyMask, Dropout drop, boolean lastOnly) {
        long t = x.size(1);
        Tensor rows = lastOnly ? x.narrow(1, t - 1, 1) : x;                                 // (B, Tq, H)
        Tensor mask = lastOnly ? keyMask.narrow(2, t - 1, 1) : keyMask;                     // (B, 1, Tq, T)
        Tensor qh = splitHeads(q.forward(rows));                                            // (B, nh, Tq, hd)
        Tensor kh = splitHeads(k.forward(x));                                               // (B, nh, T, hd)
        Tensor vh = splitHeads(v.forward(x));                                               // (B, nh, T, hd)
        Tensor kr = splitHeads(r.forward(pos));                                             // (1|B, nh, 2T, hd)
        Tensor ac = torch.matmul(qh.add(contentBias), kh.transpose(-2, -1));               // (B, nh, Tq, T)
        Tensor bd = shift(torch.matmul(qh.add(positionBias), kr.transpose(-2, -1)), t, lastOnly); // (B, nh, Tq, T)
        Tensor scores = ac.add(bd);
        if (otherSegment != null) {
            Tensor segments = (lastOnly ? otherSegment.narrow(1, t - 1, 1) : otherSegment).unsqueeze(1); // (B, 1, Tq, T)
            Tensor ef = torch.matmul(qh.add(segmentBias), segmentEmbedding);               // (B, nh, Tq, 2): same, other
            scores = scores.add(torch.where(segments, ef.narrow(3, 1, 1), ef.narrow(3, 0, 1))); // (B, nh, Tq, T)
        }
        scores = scores.mul(new Scalar(scale))
                .masked_fill(mask.logical_not(), new Scalar(Double.NEGATIVE_INFINITY));
        Tensor weights = drop.apply(torch.softmax(scores, -1), dropout);
        Tensor y = torch.matmul(weights, vh).transpose(1, 2).reshape(rows.sizes());        // (B, Tq, H)
        return layerNorm.forward(Residual.add(rows, new Residual.Projection(o, y), drop, dropout)); // (B, Tq, H)
    }

    /**
     * HF's rel_shift_bnij: scores against the distances T..1-T (2T columns) to scores against the keys, where
     * query i and key j are T - i + j columns in. The last query alone reads columns 1..T.
     */
    private static Tensor shift(Tensor raw, long t, boolean lastOnly) {
        if (lastOnly) return raw.narrow(3, 1, t);                                           // (B, nh, 1, T)
        long b = raw.size(0), n = raw.size(1), width = raw.size(3);
        return raw.reshape(b, n, width, t).narrow(2, 1, width - 1).reshape(b, n, t, width - 1)
                .narrow(3, 0, t);                                                           // (B, nh, T, T)
    }

    private Tensor splitHeads(Tensor x) {
        return x.view(x.size(0), x.size(1), heads, x.size(2) / heads).transpose(1, 2);
    }
}
