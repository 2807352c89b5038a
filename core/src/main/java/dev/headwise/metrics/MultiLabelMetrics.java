package dev.headwise.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.headwise.HeadwiseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Multi-label results: {@code subset_accuracy} counts rows whose predicted label set is exactly right,
 * {@code hamming_loss} is the fraction of wrong (row, label) decisions.
 */
@JsonPropertyOrder({"micro_f1", "macro_f1", "weighted_f1", "subset_accuracy", "hamming_loss", "roc_auc", "per_class"})
public record MultiLabelMetrics(@JsonProperty("micro_f1") double microF1, @JsonProperty("macro_f1") double macroF1,
                                @JsonProperty("weighted_f1") double weightedF1,
                                @JsonProperty("subset_accuracy") double subsetAccuracy,
                                @JsonProperty("hamming_loss") double hammingLoss, @JsonProperty("roc_auc") RocAuc rocAuc,
                                @JsonProperty("per_class") List<ClassStats> perClass) {
    public MultiLabelMetrics {
        perClass = List.copyOf(perClass);
    }

    /** Metrics of label scores {@code scores[i][label]} decided by {@code thresholds}. */
    public static MultiLabelMetrics of(List<String> labels, double[][] scores, boolean[][] gold, Thresholds thresholds) {
        int n = gold.length;
        int k = labels.size();
        Scores.requireShape(scores, n, k, "label scores");
        for (boolean[] row : gold) {
            if (row.length != k) {
                throw new HeadwiseException("The gold labels need " + k + " columns, not " + row.length + ".");
            }
        }
        long[] tp = new long[k];
        long[] fp = new long[k];
        long[] fn = new long[k];
        long exact = 0;
        long wrong = 0;
        for (int i = 0; i < n; i++) {
            boolean[] predicted = thresholds.predict(scores[i]);
            boolean allRight = true;
            for (int label = 0; label < k; label++) {
                boolean g = gold[i][label];
                boolean p = predicted[label];
                tp[label] += g && p ? 1 : 0;
                fp[label] += !g && p ? 1 : 0;
                fn[label] += g && !p ? 1 : 0;
                if (g != p) {
                    allRight = false;
                    wrong++;
                }
            }
            exact += allRight ? 1 : 0;
        }
        Double[] aucs = new Double[k];
        RocAuc rocAuc = RocAuc.oneVsRest(labels, scores, gold, aucs, false);
        List<ClassStats> perClass = new ArrayList<>();
        long sumTp = 0;
        long sumFp = 0;
        long sumFn = 0;
        for (int label = 0; label < k; label++) {
            perClass.add(ClassStats.of(labels.get(label), tp[label], fp[label], fn[label], aucs[label]));
            sumTp += tp[label];
            sumFp += fp[label];
            sumFn += fn[label];
        }
        return new MultiLabelMetrics(ClassStats.f1(sumTp, sumFp, sumFn), Reports.macroF1(perClass), Reports.weightedF1(perClass),
                ClassStats.ratio(exact, n), ClassStats.ratio(wrong, (long) n * k), rocAuc, perClass);
    }

    public static MultiLabelMetrics of(List<String> labels, float[][] scores, boolean[][] gold, Thresholds thresholds) {
        return of(labels, Scores.toDouble(scores), gold, thresholds);
    }

    /** A per-label report like scikit-learn's, with micro (F1 only), macro and weighted averages. */
    public String toText() {
        int support = perClass.stream().mapToInt(ClassStats::support).sum();
        var micro = new Reports.Summary("micro avg", null, null, microF1, support);
        return Reports.table(perClass, List.of(micro,
                        Reports.averageRow("macro avg", perClass, false, macroF1),
                        Reports.averageRow("weighted avg", perClass, true, weightedF1)))
                + String.format(Locale.ROOT, "%nsubset accuracy %.4f, hamming loss %.4f%n", subsetAccuracy, hammingLoss)
                + Reports.rocAucLine(rocAuc);
    }
}
