package dev.headwise.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import dev.headwise.io.Json;

class MultiLabelMetricsTest {
    private static final double EPS = 1e-9;

    private static double[][] scores(boolean[][] predicted) {
        double[][] scores = new double[predicted.length][];
        for (int i = 0; i < predicted.length; i++) {
            scores[i] = new double[predicted[i].length];
            for (int j = 0; j < predicted[i].length; j++) {
                scores[i][j] = predicted[i][j] ? 0.9 : 0.1;
            }
        }
        return scores;
    }

    @Test
    void matchesScikitLearnHammingAndSubsetExamples() {
        boolean[][] gold = {{false, true}, {true, true}};
        var zeros = MultiLabelMetrics.of(List.of("a", "b"), scores(new boolean[2][2]), gold, Thresholds.half());
        assertEquals(0.75, zeros.hammingLoss(), EPS); // sklearn hamming_loss doc example
        var ones = MultiLabelMetrics.of(List.of("a", "b"), scores(new boolean[][] {{true, true}, {true, true}}), gold, Thresholds.half());
        assertEquals(0.5, ones.subsetAccuracy(), EPS); // sklearn accuracy_score multilabel doc example
    }

    @Test
    void matchesScikitLearnMultiLabelF1Example() {
        boolean[][] gold = {{false, false, false}, {true, true, true}, {false, true, true}};
        boolean[][] predicted = {{false, false, false}, {true, true, true}, {true, true, false}};
        var metrics = MultiLabelMetrics.of(List.of("x", "y", "z"), scores(predicted), gold, Thresholds.half());
        assertEquals(2 / 3.0, metrics.perClass().get(0).f1(), EPS);
        assertEquals(1.0, metrics.perClass().get(1).f1(), EPS);
        assertEquals(2 / 3.0, metrics.perClass().get(2).f1(), EPS);
        assertEquals(7 / 9.0, metrics.macroF1(), EPS);
        assertEquals(0.8, metrics.microF1(), EPS);
    }

    @Test
    void tuningFindsTheBestF1Thresholds() {
        // Three copies of four rows: each label has the positives it needs for a threshold of its own, and the
        // F1 of every cut is that of one copy.
        double[][] scores = repeat(new double[][] {{0.9, 0.7}, {0.8, 0.6}, {0.3, 0.2}, {0.2, 0.1}}, 3);
        boolean[][] gold = repeat(new boolean[][] {{true, false}, {true, true}, {false, true}, {false, false}}, 3);
        Thresholds tuned = Thresholds.tune(scores, gold);
        // pooled sweep: best micro F1 0.75 at score 0.6 (next lower 0.3); label 0 best at 0.8 (next 0.3),
        // label 1 best F1 0.8 at score 0.2 (next 0.1)
        assertEquals(0.45, tuned.global(), EPS);
        assertArrayEquals(new double[] {0.55, 0.15}, tuned.perLabel(), EPS);
        var perLabel = MultiLabelMetrics.of(List.of("a", "b"), scores, gold, tuned);
        assertEquals(1.0, perLabel.perClass().get(0).f1(), EPS);
        assertEquals(0.8, perLabel.perClass().get(1).f1(), EPS);
        var global = MultiLabelMetrics.of(List.of("a", "b"), scores, gold, tuned.globalOnly());
        assertEquals(0.75, global.microF1(), EPS);
        assertTrue(global.microF1() > MultiLabelMetrics.of(List.of("a", "b"), scores, gold, Thresholds.half()).microF1() - EPS);
    }

    @Test
    void labelWithoutPositivesKeepsTheGlobalThreshold() {
        Thresholds tuned = Thresholds.tune(new double[][] {{0.9, 0.4}, {0.2, 0.3}}, new boolean[][] {{true, false}, {false, false}});
        assertEquals(tuned.global(), tuned.perLabel()[1], EPS);
    }

    @Test
    void labelWithTooFewPositivesKeepsTheGlobalThresholdAndIsNamed() {
        int n = 40;
        double[][] scores = new double[n][2];
        boolean[][] gold = new boolean[n][2];
        for (int i = 0; i < n; i++) {
            gold[i][0] = i % 2 == 0;                                      // 20 positives
            gold[i][1] = i < Thresholds.MIN_POSITIVES_PER_LABEL - 1;       // one too few
            scores[i][0] = gold[i][0] ? 0.6 + i * 0.001 : 0.1;
            scores[i][1] = gold[i][1] ? 0.95 : 0.9;                       // its own best cut would sit near 0.93
        }
        Thresholds tuned = Thresholds.tune(scores, gold);
        assertEquals(tuned.global(), tuned.perLabel()[1], EPS);
        assertEquals(List.of(1), Thresholds.untunedLabels(gold));
        gold[n - 1][1] = true; // now exactly the minimum
        assertEquals(List.of(), Thresholds.untunedLabels(gold));
        assertTrue(Thresholds.tune(scores, gold).perLabel()[1] > 0.9, "tuned on its own positives");
    }

    private static double[][] repeat(double[][] rows, int times) {
        var out = new double[rows.length * times][];
        for (int i = 0; i < out.length; i++) out[i] = rows[i % rows.length].clone();
        return out;
    }

    private static boolean[][] repeat(boolean[][] rows, int times) {
        var out = new boolean[rows.length * times][];
        for (int i = 0; i < out.length; i++) out[i] = rows[i % rows.length].clone();
        return out;
    }

    @Test
    void jsonAndTextCarryTheAgreedNames() throws Exception {
        boolean[][] gold = {{true, false}, {false, true}};
        var metrics = MultiLabelMetrics.of(List.of("toxic", "insult"), new double[][] {{0.8, 0.3}, {0.6, 0.9}}, gold, Thresholds.half());
        JsonNode json = Json.MAPPER.valueToTree(metrics);
        for (String key : List.of("micro_f1", "macro_f1", "subset_accuracy", "hamming_loss", "roc_auc", "per_class")) {
            assertTrue(json.has(key), key);
        }
        assertEquals(0.25, json.get("hamming_loss").asDouble(), EPS);
        assertEquals(1.0, json.get("roc_auc").get("macro").asDouble(), EPS);
        assertTrue(metrics.toText().contains("subset accuracy 0.5000, hamming loss 0.2500"));
        JsonNode thresholds = Json.MAPPER.valueToTree(new Thresholds(0.4, new double[] {0.3, 0.5}));
        assertEquals("{\"global\":0.4,\"per_label\":[0.3,0.5]}", thresholds.toString());
    }
}
