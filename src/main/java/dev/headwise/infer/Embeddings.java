package dev.headwise.infer;

import dev.headwise.HeadwiseException;
import dev.headwise.model.ModelInput;
import dev.headwise.model.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Sentence vectors from an encoder's last hidden state. */
public final class Embeddings {
    private Embeddings() {}

    /** How token vectors become one vector per text. */
    public enum Pooling {
        /** The first token ([CLS]). */
        CLS,
        /** Average over real tokens, as sentence-transformers models (e.g. all-MiniLM-L6-v2) do. */
        MEAN;

        public static Pooling parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new HeadwiseException("unknown pooling '" + s + "'; use cls or mean.");
            }
        }
    }

    /**
     * One vector per text. {@code batched} runs all texts as one padded batch; otherwise one at a time
     * (no padding at all). Both give the same vectors up to float rounding.
     */
    public static List<float[]> embed(LoadedModel m, List<String> texts, Pooling pooling, int maxLength, boolean batched) {
        var out = new ArrayList<float[]>();
        if (batched) {
            out.addAll(run(m, texts, pooling, maxLength));
        } else {
            for (String t : texts) out.addAll(run(m, List.of(t), pooling, maxLength));
        }
        return out;
    }

    private static List<float[]> run(LoadedModel m, List<String> texts, Pooling pooling, int maxLength) {
        try (var scope = new PointerScope(); var mode = new InferenceMode()) {
            ModelInput in = Inputs.pad(m.tokenizer().encodeBatch(texts, maxLength), m.tokenizer().padId(),
                    m.model().device());
            Tensor h = m.model().hidden(in.ids(), in.mask(), in.typeIds(), false);                 // (B, T, H)
            Tensor pooled = switch (pooling) {
                case CLS -> h.select(1, 0);                                                       // (B, H)
                case MEAN -> {
                    Tensor mask = in.mask().unsqueeze(2).to(h.scalar_type());                      // (B, T, 1)
                    yield h.mul(mask).sum(1).div(mask.sum(1).clamp_min(new org.bytedeco.pytorch.Scalar(1e-9)));
                }
            };
            float[] flat = Tensors.toFloats(pooled);
            int dim = (int) pooled.size(1);
            var rows = new ArrayList<float[]>();
            for (int i = 0; i < texts.size(); i++) rows.add(java.util.Arrays.copyOfRange(flat, i * dim, (i + 1) * dim));
            return rows;
        }
    }
}
