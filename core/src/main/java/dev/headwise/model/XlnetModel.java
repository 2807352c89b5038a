package dev.headwise.model;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * HF {@code XLNetModel} as classification uses it: word embeddings, then layers of relative positional attention
 * over the content stream only. Left out, because a classifier never uses them: the query stream (two-stream
 * attention, with {@code mask_emb} as its input), memory ({@code mems}), permutation masks and target mappings,
 * unidirectional attention and {@code bi_data}. {@code transformer.mask_emb} is still a parameter, so
 * checkpoints load and save whole.
 */
final class XlnetModel implements Backbone {
    private final Tensor wordEmbedding;
    private final List<XlnetLayer> layers = new ArrayList<>();
    private final double dropout;
    private final int clampLength;
    private final int hidden;

    XlnetModel(ParamFactory p, ModelConfig c) {
        String prefix = Architecture.XLNET.basePrefix;
        // No padding_idx, as in HF: the pad id's row is drawn and trained like any other.
        wordEmbedding = p.create(prefix + "word_embedding.weight", Init.NORMAL, c.vocabSize(), c.hiddenSize());
        p.create(prefix + "mask_emb", Init.NORMAL, 1, 1, c.hiddenSize());
        for (int i = 0; i < c.numLayers(); i++) layers.add(new XlnetLayer(p, prefix + Architecture.XLNET.block(i), c));
        dropout = c.hiddenDropout();
        clampLength = c.clampLength();
        hidden = c.hiddenSize();
    }

    /**
     * With {@code summaryOnly} the last layer computes only the last token's row (B, 1, H), the one the summary
     * reads. Without typeIds there is no segment term, as in HF when no token_type_ids are passed (its XLNet
     * tokenizer returns none unless model_input_names asks for them).
     */
    @Override
    public Tensor forward(Tensor ids, Tensor mask, Tensor typeIds, Dropout drop, boolean summaryOnly) {
        long b = ids.size(0), t = ids.size(1);
        Tensor x = drop.apply(torch.embedding(wordEmbedding, ids), dropout);               // (B, T, H)
        // HF masks padding keys, but lets every position attend to itself, so a padding row stays finite.
        Tensor eye = torch.eye(t, new TensorOptions(ids.device()).dtype(new org.bytedeco.pytorch.ScalarTypeOptional(
                torch.ScalarType.Bool)));
        Tensor keyMask = mask.to(torch.ScalarType.Bool).unsqueeze(1).unsqueeze(2).logical_or(eye); // (B, 1, T, T)
        Tensor otherSegment = typeIds == null ? null : typeIds.unsqueeze(2).ne(typeIds.unsqueeze(1)); // (B, T, T) bool
        Tensor pos = relativePositions(t, ids.device()).to(x.scalar_type()).unsqueeze(0); // (1, 2T, H)
        // HF draws the position dropout for every example of the batch (its table is expanded first).
        if (drop != Dropout.OFF && dropout > 0) pos = drop.apply(pos.expand(b, 2 * t, hidden), dropout);
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(x, pos, otherSegment, keyMask, drop, summaryOnly && i == layers.size() - 1);
        }
        return drop.apply(x, dropout);                                                     // (B, Tq, H)
    }

    /**
     * HF's relative_positional_encoding for attn_type "bi": sin and cos of the distances T, T-1, ..., 1-T
     * (clamped to +-clamp_len when set) times 1/10000^(2k/H), computed in fp32 as HF does. (2T, H)
     */
    private Tensor relativePositions(long t, org.bytedeco.pytorch.Device device) {
        var fp32 = new TensorOptions(device).dtype(new org.bytedeco.pytorch.ScalarTypeOptional(torch.ScalarType.Float));
        Tensor freq = torch.arange(new Scalar(0), new Scalar((long) hidden), new Scalar(2), fp32);      // (H/2)
        Tensor invFreq = torch.pow(new Scalar(10000), freq.div(new Scalar((double) hidden))).reciprocal();
        Tensor distances = torch.arange(new Scalar(t), new Scalar(-t), new Scalar(-1), fp32);          // (2T)
        if (clampLength > 0) distances = distances.clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(-clampLength)),
                new org.bytedeco.pytorch.ScalarOptional(new Scalar(clampLength)));
        Tensor angles = torch.outer(distances, invFreq);                                   // (2T, H/2)
        return torch.cat(new TensorVector(angles.sin(), angles.cos()), -1);                // (2T, H)
    }
}
