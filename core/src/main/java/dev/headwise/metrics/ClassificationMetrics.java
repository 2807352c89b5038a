package dev.headwise.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.headwise.HeadwiseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Multi-class or binary results. {@code micro_f1} equals accuracy for single-label data; the confusion matrix
 * has gold classes as rows and predicted classes as columns, in label order. {@code roc_auc} is null when no
 * scores were given.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"accuracy", "macro_f1", "micro_f1", "weighted_f1", "roc_auc", "per_class", "confusion_matrix"})
public record ClassificationMetrics(@JsonProperty("accuracy") double accuracy, @JsonProperty("macro_f1") double macroF1,
                                    @JsonProperty("micro_f1") double microF1, @JsonProperty("weighted_f1") double weightedF1,
                                    @JsonProperty("roc_auc") RocAuc rocAuc, @JsonProperty("per_class") List<ClassStats> perClass,
                                    @JsonProperty("confusion_matrix") int[][] confusionMatrix) {
    public ClassificationMetrics {
        perClass = List.copyOf(perClass);
        confusionMatrix = Reports.copy(confusionMatrix);
    }

    @Override
    public int[][] confusionMatrix() {
        return Reports.copy(confusionMatrix);
    }

    /** Metrics of the argmax predictions of class probabilities {@code scores[i][c]}. */
    public static ClassificationMetrics of(List<String> labels, double[][] scores, int[] gold) {
        Scores.requireShape(scores, gold.length, labels.size(), "class scores");
        int[] predicted = new int[gold.length];
        for (int i = 0; i < gold.length; i++) {
            predicted[i] = Scores.argmax(scores[i]);
        }
        return of(labels, gold, predicted, scores);
    }

    public static ClassificationMetrics of(List<String> labels, float[][] scores, int[] gold) {
        return of(labels, Scores.toDouble(scores), gold);
    }

    /**
     * Binary metrics from the positive class's probabilities (label 1 of {@code labels}), predicting positive
     * at or above {@code threshold}; {@code roc_auc.positive} is the positive class's AUC.
     */
    public static ClassificationMetrics binary(List<String> labels, double[] positiveScores, int[] gold, double threshold) {
        if (labels.size() != 2) {
            throw new HeadwiseException("Binary metrics need two labels, not " + labels.size() + ".");
        }
        double[][] scores = new double[positiveScores.length][];
        int[] predicted = new int[positiveScores.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = new double[] {1 - positiveScores[i], positiveScores[i]};
            predicted[i] = positiveScores[i] >= threshold ? 1 : 0;
        }
        Scores.requireShape(scores, gold.length, 2, "binary scores");
        return of(labels, gold, predicted, scores);
    }

    /** Metrics of given predictions; {@code scores} (may be null) only feed ROC-AUC. */
    public static ClassificationMetrics of(List<String> labels, int[] gold, int[] predicted, double[][] scores) {
        int k = labels.size();
        if (predicted.length != gold.length) {
            throw new HeadwiseException("There are " + predicted.length + " predictions for " + gold.length + " gold labels.");
        }
        int[][] confusion = new int[k][k];
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] < 0 || gold[i] >= k || predicted[i] < 0 || predicted[i] >= k) {
                throw new HeadwiseException("Row " + i + " has a class id outside 0.." + (k - 1) + ".");
            }
            confusion[gold[i]][predicted[i]]++;
        }
        Double[] aucs = new Double[k];
        RocAuc rocAuc = null;
        if (scores != null) {
            Scores.requireShape(scores, gold.length, k, "class scores");
            boolean[][] oneHot = new boolean[gold.length][k];
            for (int i = 0; i < gold.length; i++) {
                oneHot[i][gold[i]] = true;
            }
            rocAuc = RocAuc.oneVsRest(labels, scores, oneHot, aucs, k == 2);
        }
        List<ClassStats> perClass = new ArrayList<>();
        long correct = 0;
        for (int c = 0; c < k; c++) {
            long tp = confusion[c][c];
            long fn = 0;
            long fp = 0;
            for (int other = 0; other < k; other++) {
                if (other != c) {
                    fn += confusion[c][other];
                    fp += confusion[other][c];
                }
            }
            correct += tp;
            perClass.add(ClassStats.of(labels.get(c), tp, fp, fn, aucs[c]));
        }
        double accuracy = ClassStats.ratio(correct, gold.length);
        return new ClassificationMetrics(accuracy, Reports.macroF1(perClass), accuracy, Reports.weightedF1(perClass), rocAuc,
                perClass, confusion);
    }

    /** A classification report like scikit-learn's, followed by the confusion matrix. */
    public String toText() {
        int total = perClass.stream().mapToInt(ClassStats::support).sum();
        return Reports.table(perClass, List.of(
                        Reports.accuracyRow(accuracy, total),
                        Reports.averageRow("macro avg", perClass, false, macroF1),
                        Reports.averageRow("weighted avg", perClass, true, weightedF1)))
                + Reports.rocAucLine(rocAuc)
                + "\n" + Reports.confusion(perClass.stream().map(ClassStats::label).toList(), confusionMatrix);
    }
}
