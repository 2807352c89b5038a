package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/** Embeddings and N blocks: HF {@code DistilBertModel}, {@code BertModel} or {@code RobertaModel} without the pooler. */
final class Encoder implements Backbone {
    private final Embeddings embeddings;
    private final List<Block> blocks = new ArrayList<>();

    Encoder(ParamFactory p, ModelConfig c) {
        Architecture a = c.architecture();
        embeddings = new Embeddings(p, a.basePrefix + a.embeddings(), c);
        for (int i = 0; i < c.numLayers(); i++) blocks.add(new Block(p, a.basePrefix + a.block(i), c));
    }

    /**
     * The head reads the first token, so with {@code summaryOnly} the last block skips about five sixths of its
     * work (every row's query, output projection and feed-forward but one).
     */
    @Override
    public Tensor forward(Tensor ids, Tensor mask, Tensor typeIds, Dropout drop, boolean summaryOnly) {
        Tensor keyMask = mask.to(torch.ScalarType.Bool).unsqueeze(1).unsqueeze(2);         // (B, 1, 1, T)
        Tensor x = embeddings.forward(ids, typeIds, drop);                                   // (B, T, H)
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(x, keyMask, drop, summaryOnly && i == blocks.size() - 1);
        }
        return x;
    }
}
