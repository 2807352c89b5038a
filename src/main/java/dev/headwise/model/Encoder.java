package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/** Embeddings and N blocks: HF {@code DistilBertModel} / {@code BertModel} without the pooler. */
final class Encoder {
    private final Embeddings embeddings;
    private final List<Block> blocks = new ArrayList<>();

    Encoder(ParamFactory p, ModelConfig c) {
        Architecture a = c.architecture();
        embeddings = new Embeddings(p, a.basePrefix + a.embeddings(), c);
        for (int i = 0; i < c.numLayers(); i++) blocks.add(new Block(p, a.basePrefix + a.block(i), c));
    }

    /**
     * ids: (B, T) int64; mask: (B, T) with 1 for real tokens; typeIds: (B, T) or null.
     * Returns the last hidden state (B, T, H), or with {@code firstTokenOnly} just its first token (B, 1, H):
     * a head that reads only that token needs nothing else from the last block, which then skips about
     * five sixths of its work (every row's query, output projection and feed-forward but one).
     */
    Tensor forward(Tensor ids, Tensor mask, Tensor typeIds, Dropout drop, boolean firstTokenOnly) {
        Tensor keyMask = mask.to(torch.ScalarType.Bool).unsqueeze(1).unsqueeze(2);         // (B, 1, 1, T)
        Tensor x = embeddings.forward(ids, typeIds, drop);                                   // (B, T, H)
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(x, keyMask, drop, firstTokenOnly && i == blocks.size() - 1);
        }
        return x;
    }
}
