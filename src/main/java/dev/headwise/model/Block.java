package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

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

    Tensor forward(Tensor x, Tensor keyMask, boolean train) {
        Tensor a = attention.forward(x, keyMask, train);                                    // (B, T, H)
        if (dropoutAfterAttention) a = torch.dropout(a, dropout, train);
        x = attentionNorm.forward(a.add(x));
        Tensor f = torch.dropout(ffn.forward(x), dropout, train);
        return outputNorm.forward(f.add(x));                                                 // (B, T, H)
    }
}
