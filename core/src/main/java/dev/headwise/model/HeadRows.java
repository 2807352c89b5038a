package dev.headwise.model;

import dev.headwise.Task;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows of the head's output layer ({@code classifier}, RoBERTa's {@code classifier.out_proj}, XLNet's
 * {@code logits_proj}) by label name. In a file a binary model has HF's two-logit form, rows [neg, pos] whose
 * softmax is the sigmoid of their difference; in memory it has that difference as its one row. A new head takes
 * a checkpoint's rows by label name, never by position.
 */
final class HeadRows {
    private HeadRows() {}

    /** The output layer's checkpoint names. */
    record Names(String weight, String bias) {
        static Names of(Architecture a) {
            return new Names(a.head.classifier() + ".weight", a.head.classifier() + ".bias");
        }

        boolean contains(String name) {
            return name.equals(weight) || name.equals(bias);
        }
    }

    /** What carrying rows over did, for the user to see. */
    record Carried(List<String> newLabels, List<String> droppedLabels, boolean reordered) {}

    /** The one binary row (or bias) of a two-row pair: row 1 minus row 0. */
    static Tensor binaryRow(Tensor pair) {
        return pair.narrow(0, 1, 1).sub(pair.narrow(0, 0, 1));
    }

    /** A binary row (or bias) as HF's pair: a zero row, then it. */
    static Tensor pair(Tensor row) {
        return torch.cat(new TensorVector(torch.zeros_like(row), row), 0);
    }

    /**
     * Copies into {@code weight} and {@code bias} (the new heads' freshly initialised parameters) the rows of the
     * checkpoint's heads {@code from} whose label names the new heads share. A binary target takes the difference
     * of the checkpoint's rows of its two labels, and keeps its fresh row unless both are there.
     */
    static Carried carry(Heads from, Tensor fromWeight, Tensor fromBias, Heads to, Tensor weight, Tensor bias) {
        List<String> source = from.logitNames();
        List<String> target = to.logitNames();
        try (var scope = new PointerScope(); var noGrad = new NoGradGuard()) {
            Tensor w = fromWeight, b = fromBias;
            if (fromWeight.size(0) == 1 && source.size() == 2) {  // a one-row binary checkpoint
                w = pair(fromWeight);
                b = pair(fromBias);
            }
            if (w.dim() != 2 || w.size(0) != source.size() || w.size(1) != weight.size(1) || b.numel() != source.size()) {
                // Rows the checkpoint's config does not name: none can be matched.
                return new Carried(target, source, false);
            }
            var fresh = new ArrayList<String>();
            boolean reordered = false;
            if (to.task() == Task.BINARY) {
                int neg = source.indexOf(target.get(0)), pos = source.indexOf(target.get(1));
                if (neg >= 0 && pos >= 0) {
                    weight.copy_(w.select(0, pos).sub(w.select(0, neg)).unsqueeze(0));
                    bias.copy_(b.select(0, pos).sub(b.select(0, neg)).unsqueeze(0));
                    reordered = neg != 0 || pos != 1;
                } else {
                    fresh.addAll(target);
                }
            } else {
                for (int i = 0; i < target.size(); i++) {
                    int j = source.indexOf(target.get(i));
                    if (j < 0) {
                        fresh.add(target.get(i));
                        continue;
                    }
                    weight.select(0, i).copy_(w.select(0, j));
                    bias.select(0, i).copy_(b.select(0, j));
                    reordered |= i != j;
                }
            }
            var dropped = source.stream().filter(n -> !target.contains(n)).toList();
            return new Carried(List.copyOf(fresh), dropped, reordered);
        }
    }
}
