package dev.headwise.infer;

import dev.headwise.HeadwiseException;
import dev.headwise.model.ModelInput;
import dev.headwise.model.Tensors;
import dev.headwise.tokenize.Encoding;
import dev.headwise.tokenize.Windows;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Sentence vectors from an encoder's last hidden state. */
public final class SentenceVectors {
    /** Windows of one text run together. */
    private static final int WINDOW_BATCH = 16;

    private SentenceVectors() {}

    /** How token vectors become one vector per text. */
    public enum Pooling {
        /** The classification token: the first ([CLS], {@code <s>}), or XLNet's last ({@code <cls>}). */
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
            out.addAll(run(m, m.tokenizer().encodeBatch(texts, maxLength), pooling));
        } else {
            for (String t : texts) out.addAll(run(m, List.of(m.tokenizer().encode(t, maxLength)), pooling));
        }
        return out;
    }

    /**
     * One vector per text, the mean or max (as {@code windows} says) of the vectors of its windows of
     * {@code maxLength} tokens; a text's windows run {@link #WINDOW_BATCH} at a time, so memory stays bounded.
     */
    public static List<float[]> embed(LoadedModel m, List<String> texts, Pooling pooling, int maxLength, Windows windows) {
        windows.check(maxLength);
        var out = new ArrayList<float[]>();
        for (String t : texts) {
            List<Encoding> all = m.tokenizer().encodeWindows(t, maxLength, windows);
            float[] acc = null;
            for (int from = 0; from < all.size(); from += WINDOW_BATCH) {
                for (float[] v : run(m, all.subList(from, Math.min(all.size(), from + WINDOW_BATCH)), pooling)) {
                    if (acc == null) {
                        acc = v;
                        continue;
                    }
                    for (int i = 0; i < v.length; i++) acc[i] = windows.pooling() == Windows.Pooling.MAX ? Math.max(acc[i], v[i]) : acc[i] + v[i];
                }
            }
            if (windows.pooling() == Windows.Pooling.MEAN) {
                for (int i = 0; i < acc.length; i++) acc[i] /= all.size();
            }
            out.add(acc);
        }
        return out;
    }

    private static List<float[]> run(LoadedModel m, List<Encoding> encodings, Pooling pooling) {
        int count = encodings.size();
        try (var scope = new PointerScope(); var mode = new InferenceMode()) {
            ModelInput in = Inputs.pad(encodings, m.padding(), m.model().device());
            Tensor h = m.model().hidden(in.ids(), in.mask(), in.typeIds(), false);                 // (B, T, H)
            Tensor pooled = switch (pooling) {
                case CLS -> h.select(1, m.model().config().model().architecture().summarisesLastToken()
                        ? h.size(1) - 1 : 0);                                                     // (B, H)
                case MEAN -> {
                    Tensor mask = in.mask().unsqueeze(2).to(h.scalar_type());                      // (B, T, 1)
                    yield h.mul(mask).sum(1).div(mask.sum(1).clamp_min(new org.bytedeco.pytorch.Scalar(1e-9)));
                }
            };
            float[] flat = Tensors.toFloats(pooled);
            int dim = (int) pooled.size(1);
            var rows = new ArrayList<float[]>();
            for (int i = 0; i < count; i++) rows.add(java.util.Arrays.copyOfRange(flat, i * dim, (i + 1) * dim));
            return rows;
        }
    }
}
