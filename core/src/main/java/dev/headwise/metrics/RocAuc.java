package dev.headwise.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * ROC-AUC summary. {@code macro} averages the one-vs-rest AUCs of the classes where it is defined;
 * {@code micro} is the AUC of all (example, class) scores pooled; {@code positive} is the positive class's AUC
 * of a binary task. A class without positives or without negatives has no AUC: it is listed in
 * {@code undefined} and left out of the macro average. Null values mean undefined.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RocAuc(@JsonProperty("macro") Double macro, @JsonProperty("micro") Double micro,
                     @JsonProperty("positive") Double positive, @JsonProperty("undefined") List<String> undefined,
                     @JsonProperty("note") String note) {
    public RocAuc {
        undefined = undefined == null || undefined.isEmpty() ? null : List.copyOf(undefined);
    }

    /**
     * The Mann-Whitney AUC: the probability that a random positive scores above a random negative, ties
     * counting one half (average ranks). Null when there are no positives or no negatives.
     */
    public static Double auc(boolean[] positive, double[] scores) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double positiveRankSum = 0;
        long positives = 0;
        int start = 0;
        while (start < n) {
            int end = start;
            while (end + 1 < n && scores[order[end + 1]] == scores[order[start]]) {
                end++;
            }
            double averageRank = (start + end) / 2.0 + 1; // ranks are 1-based
            for (int k = start; k <= end; k++) {
                if (positive[order[k]]) {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }
            start = end + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return null;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** Per-class AUCs of {@code scores[i][c]} against {@code gold[i][c]}, then their macro and micro summary. */
    static RocAuc oneVsRest(List<String> labels, double[][] scores, boolean[][] gold, Double[] perClass, boolean binary) {
        int n = scores.length;
        int k = labels.size();
        List<String> undefined = new java.util.ArrayList<>();
        double sum = 0;
        int defined = 0;
        boolean[] pooledGold = new boolean[n * k];
        double[] pooledScores = new double[n * k];
        for (int c = 0; c < k; c++) {
            boolean[] classGold = new boolean[n];
            double[] classScores = new double[n];
            for (int i = 0; i < n; i++) {
                classGold[i] = gold[i][c];
                classScores[i] = scores[i][c];
                pooledGold[i * k + c] = gold[i][c];
                pooledScores[i * k + c] = scores[i][c];
            }
            perClass[c] = auc(classGold, classScores);
            if (perClass[c] == null) {
                undefined.add(labels.get(c));
            } else {
                sum += perClass[c];
                defined++;
            }
        }
        String note = undefined.isEmpty() ? null
                : "ROC-AUC is undefined for classes without positive or without negative examples; the macro average leaves them out.";
        Double positive = binary ? perClass[1] : null;
        return new RocAuc(defined == 0 ? null : sum / defined, auc(pooledGold, pooledScores), positive, undefined, note);
    }
}
