package dev.headwise.model;

import dev.headwise.Task;
import dev.headwise.tokenize.Windows;

/**
 * A document's probabilities from its windows' logits: the mean or max of the logits, then each level's
 * softmax (or sigmoid), so a hierarchical head pools per level; multi-label pools the labels' probabilities,
 * as each label is a decision of its own.
 */
public final class WindowPooling {
    private WindowPooling() {}

    /**
     * @param windowLogits the windows' logits, row-major ({@code starts[last]} rows of {@code heads.numLogits()})
     * @param starts       document {@code d} owns windows {@code starts[d]} (inclusive) to {@code starts[d + 1]}
     * @return per document, probabilities shaped like one row of logits; call inside a {@code PointerScope}
     */
    public static float[][] probabilities(Heads heads, Windows.Pooling pooling, float[] windowLogits, int[] starts) {
        int width = heads.numLogits(), windows = starts[starts.length - 1], docs = starts.length - 1;
        if (docs == 0) return new float[0][];
        boolean multiLabel = heads.task() == Task.MULTILABEL;
        float[] values = multiLabel
                ? Tensors.toFloats(Loss.probabilities(heads, Tensors.floats(windowLogits, windows, width))) : windowLogits;
        float[] pooled = new float[docs * width];
        for (int d = 0; d < docs; d++) {
            int n = starts[d + 1] - starts[d];
            for (int c = 0; c < width; c++) {
                float acc = pooling == Windows.Pooling.MAX ? Float.NEGATIVE_INFINITY : 0;
                for (int w = starts[d]; w < starts[d + 1]; w++) {
                    float v = values[w * width + c];
                    acc = pooling == Windows.Pooling.MAX ? Math.max(acc, v) : acc + v;
                }
                pooled[d * width + c] = pooling == Windows.Pooling.MAX ? acc : acc / n;
            }
        }
        float[] probs = multiLabel ? pooled : Tensors.toFloats(Loss.probabilities(heads, Tensors.floats(pooled, docs, width)));
        float[][] out = new float[docs][];
        for (int d = 0; d < docs; d++) out[d] = java.util.Arrays.copyOfRange(probs, d * width, (d + 1) * width);
        return out;
    }
}
