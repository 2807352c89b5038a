package dev.headwise.metrics;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.headwise.HeadwiseException;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Decision thresholds for multi-label prediction: a label is predicted when its score is at or above its
 * threshold. {@code perLabel} (may be null) overrides {@code global}. Saved with the model.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Thresholds(@JsonProperty("global") double global, @JsonProperty("per_label") double[] perLabel) {
    public Thresholds {
        if (!Double.isFinite(global) || perLabel != null && !Arrays.stream(perLabel).allMatch(Double::isFinite)) {
            throw new HeadwiseException("Decision thresholds must be finite numbers.");
        }
        perLabel = perLabel == null ? null : perLabel.clone();
    }

    /**
     * A label with fewer positives than this in the tuning rows keeps the global threshold: a threshold
     * fitted to one or two examples would not carry over to new data.
     */
    public static final int MIN_POSITIVES_PER_LABEL = 5;

    /** 0.5 for every label. */
    public static Thresholds half() {
        return new Thresholds(0.5, null);
    }

    @Override
    public double[] perLabel() {
        return perLabel == null ? null : perLabel.clone();
    }

    /** This threshold set without the per-label overrides. */
    public Thresholds globalOnly() {
        return new Thresholds(global, null);
    }

    @JsonIgnore
    public double threshold(int label) {
        return perLabel == null ? global : perLabel[label];
    }

    /** Whether each label is predicted for one row of scores. */
    public boolean[] predict(double[] scores) {
        if (perLabel != null && perLabel.length != scores.length) {
            throw new HeadwiseException("There are " + perLabel.length + " thresholds for " + scores.length + " labels.");
        }
        boolean[] predicted = new boolean[scores.length];
        for (int label = 0; label < scores.length; label++) {
            predicted[label] = scores[label] >= threshold(label);
        }
        return predicted;
    }

    /**
     * Tunes thresholds on evaluation data: the global one maximises micro F1 over all labels, each per-label one
     * maximises that label's F1. Candidates are the distinct scores; the chosen threshold is the midpoint
     * between the best candidate and the next lower score (so that it generalises), or the candidate itself
     * when it is the lowest. A label with fewer than {@link #MIN_POSITIVES_PER_LABEL} positives keeps the
     * global threshold (see {@link #untunedLabels}).
     */
    public static Thresholds tune(double[][] scores, boolean[][] gold) {
        int labels = gold.length == 0 ? 0 : gold[0].length;
        Scores.requireShape(scores, gold.length, labels, "label scores");
        double[] all = new double[scores.length * labels];
        boolean[] allGold = new boolean[all.length];
        double[] perLabel = new double[labels];
        for (int i = 0; i < scores.length; i++) {
            for (int label = 0; label < labels; label++) {
                all[i * labels + label] = scores[i][label];
                allGold[i * labels + label] = gold[i][label];
            }
        }
        double global = best(all, allGold, 0.5);
        for (int label = 0; label < labels; label++) {
            double[] column = new double[scores.length];
            boolean[] columnGold = new boolean[scores.length];
            for (int i = 0; i < scores.length; i++) {
                column[i] = scores[i][label];
                columnGold[i] = gold[i][label];
            }
            perLabel[label] = positives(columnGold) < MIN_POSITIVES_PER_LABEL ? global : best(column, columnGold, global);
        }
        return new Thresholds(global, perLabel);
    }

    /** The labels that {@link #tune} leaves on the global threshold for want of positives in {@code gold}. */
    public static java.util.List<Integer> untunedLabels(boolean[][] gold) {
        int labels = gold.length == 0 ? 0 : gold[0].length;
        var out = new java.util.ArrayList<Integer>();
        for (int label = 0; label < labels; label++) {
            boolean[] column = new boolean[gold.length];
            for (int i = 0; i < gold.length; i++) column[i] = gold[i][label];
            if (positives(column) < MIN_POSITIVES_PER_LABEL) out.add(label);
        }
        return out;
    }

    private static long positives(boolean[] gold) {
        long n = 0;
        for (boolean g : gold) n += g ? 1 : 0;
        return n;
    }

    /** The F1-maximising threshold, sweeping distinct scores from high to low; {@code fallback} without positives. */
    private static double best(double[] scores, boolean[] gold, double fallback) {
        long positives = positives(gold);
        if (positives == 0) {
            return fallback;
        }
        Integer[] order = new Integer[scores.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> -scores[i]));
        long tp = 0;
        long fp = 0;
        double bestF1 = -1;
        double bestThreshold = fallback;
        for (int k = 0; k < order.length; k++) {
            if (gold[order[k]]) {
                tp++;
            } else {
                fp++;
            }
            boolean lastOfTie = k + 1 == order.length || scores[order[k + 1]] != scores[order[k]];
            if (lastOfTie) {
                double f1 = ClassStats.f1(tp, fp, positives - tp);
                if (f1 > bestF1) {
                    bestF1 = f1;
                    double score = scores[order[k]];
                    bestThreshold = k + 1 == order.length ? score : (score + scores[order[k + 1]]) / 2;
                }
            }
        }
        return bestThreshold;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Thresholds that && global == that.global && Arrays.equals(perLabel, that.perLabel);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(global) * 31 + Arrays.hashCode(perLabel);
    }

    @Override
    public String toString() {
        return "Thresholds[global=" + global + ", perLabel=" + Arrays.toString(perLabel) + "]";
    }
}
