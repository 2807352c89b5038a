package dev.headwise.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
    private static final double EPS = 1e-9;

    @Test
    void matchesScikitLearnClassificationReportExample() {
        // sklearn.metrics.classification_report documentation: y_true=[0,1,2,2,2], y_pred=[0,0,2,2,1]
        var metrics = ClassificationMetrics.of(List.of("class 0", "class 1", "class 2"),
                new int[] {0, 1, 2, 2, 2}, new int[] {0, 0, 2, 2, 1}, null);
        String text = metrics.toText();
        for (String line : List.of(
                "     class 0       0.50      1.00      0.67         1",
                "     class 1       0.00      0.00      0.00         1",
                "     class 2       1.00      0.67      0.80         3",
                "    accuracy                           0.60         5",
                "   macro avg       0.50      0.56      0.49         5",
                "weighted avg       0.70      0.60      0.61         5")) {
            assertTrue(text.contains(line), "missing line '" + line + "' in\n" + text);
        }
        assertArrayEquals(new int[][] {{1, 0, 0}, {1, 0, 0}, {0, 1, 2}}, metrics.confusionMatrix());
        assertNull(metrics.rocAuc());
    }

    @Test
    void matchesScikitLearnF1ScoreExample() {
        // sklearn.metrics.f1_score documentation: macro 0.2666..., micro 0.3333..., weighted 0.2666...
        var metrics = ClassificationMetrics.of(List.of("0", "1", "2"),
                new int[] {0, 1, 2, 0, 1, 2}, new int[] {0, 2, 1, 0, 0, 1}, null);
        assertEquals(0.26666666666666666, metrics.macroF1(), EPS);
        assertEquals(1 / 3.0, metrics.microF1(), EPS);
        assertEquals(0.26666666666666666, metrics.weightedF1(), EPS);
        assertEquals(1 / 3.0, metrics.accuracy(), EPS);
    }

    @Test
    void aucMatchesScikitLearnRocAucExample() {
        // sklearn.metrics.roc_auc_score documentation: y=[0,0,1,1], scores=[0.1,0.4,0.35,0.8] -> 0.75
        assertEquals(0.75, RocAuc.auc(new boolean[] {false, false, true, true}, new double[] {0.1, 0.4, 0.35, 0.8}), EPS);
        var binary = ClassificationMetrics.binary(List.of("neg", "pos"), new double[] {0.1, 0.4, 0.35, 0.8}, new int[] {0, 0, 1, 1}, 0.5);
        assertEquals(0.75, binary.rocAuc().positive(), EPS);
        assertEquals(0.75, binary.rocAuc().macro(), EPS);
        assertEquals(0.75, binary.accuracy(), EPS); // predicts 0,0,0,1
    }

    @Test
    void aucCountsTiesAsHalf() {
        // positives {0.5, 0.9} vs negatives {0.5, 0.5}: 2 wins + 2 ties -> (2 + 1) / 4
        assertEquals(0.75, RocAuc.auc(new boolean[] {false, true, false, true}, new double[] {0.5, 0.5, 0.5, 0.9}), EPS);
        assertEquals(0.5, RocAuc.auc(new boolean[] {true, false, true}, new double[] {0.3, 0.3, 0.3}), EPS);
        assertNull(RocAuc.auc(new boolean[] {true, true}, new double[] {0.1, 0.2}));
    }

    @Test
    void classWithZeroSupportHasZeroScoresAndUndefinedAuc() {
        double[][] scores = {{0.7, 0.2, 0.1}, {0.3, 0.6, 0.1}, {0.4, 0.5, 0.1}, {0.2, 0.3, 0.5}};
        var metrics = ClassificationMetrics.of(List.of("a", "b", "c"), scores, new int[] {0, 1, 0, 1});
        ClassStats c = metrics.perClass().get(2);
        assertEquals(0, c.support());
        assertEquals(0.0, c.precision());
        assertEquals(0.0, c.f1());
        assertNull(c.rocAuc());
        assertEquals(List.of("c"), metrics.rocAuc().undefined());
        // class a: positives {0.7, 0.4} vs negatives {0.3, 0.2} -> 1; class b: {0.6, 0.3} vs {0.2, 0.5} -> 3/4
        assertEquals(1.0, metrics.perClass().get(0).rocAuc(), EPS);
        assertEquals(0.75, metrics.perClass().get(1).rocAuc(), EPS);
        assertEquals(0.875, metrics.rocAuc().macro(), EPS);
        assertTrue(metrics.rocAuc().note().contains("undefined"));
        assertTrue(metrics.toText().contains("undefined for c"));
    }

    @Test
    void microAucPoolsEveryClassScore() {
        double[][] scores = {{0.9, 0.1}, {0.4, 0.6}};
        var metrics = ClassificationMetrics.of(List.of("x", "y"), scores, new int[] {0, 0});
        // pooled positives {0.9, 0.4} vs negatives {0.1, 0.6}: 0.9 beats both, 0.4 beats 0.1 -> 3/4
        assertEquals(0.75, metrics.rocAuc().micro(), EPS);
    }

    @Test
    void jsonUsesTheAgreedKeys() throws Exception {
        double[][] scores = {{0.8, 0.2}, {0.3, 0.7}, {0.6, 0.4}};
        var metrics = ClassificationMetrics.of(List.of("a", "b"), scores, new int[] {0, 1, 1});
        JsonNode json = Json.MAPPER.valueToTree(metrics);
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("accuracy", "macro_f1", "micro_f1", "weighted_f1", "roc_auc", "per_class", "confusion_matrix"), keys);
        assertEquals(2, json.get("confusion_matrix").get(1).size());
        assertEquals("b", json.get("per_class").get(1).get("label").asText());
    }

    @Test
    void badShapesAreClearErrors() {
        HeadwiseException e = assertThrows(HeadwiseException.class,
                () -> ClassificationMetrics.of(List.of("a", "b"), new double[][] {{1, 0, 0}}, new int[] {0}));
        assertTrue(e.getMessage().contains("need 2 columns"), e.getMessage());
        assertThrows(HeadwiseException.class, () -> ClassificationMetrics.of(List.of("a"), new int[] {3}, new int[] {0}, null));
    }
}
