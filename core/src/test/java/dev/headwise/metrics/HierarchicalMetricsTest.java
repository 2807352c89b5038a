package dev.headwise.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import dev.headwise.io.Json;

class HierarchicalMetricsTest {
    /** Level 0: comp, rec. Level 1: graphics, hockey, mac; comp -> graphics, mac; rec -> hockey. */
    private static final int[][][] HIERARCHY = {{{0, 2}, {1}}};

    @Test
    void consistentDecodingPicksAValidChildWhenTheArgmaxChildIsInvalid() {
        double[][] scores = {{0.6, 0.4}, {0.2, 0.7, 0.1}};
        assertArrayEquals(new int[] {0, 1}, HierarchicalDecoder.decode(scores, HIERARCHY, false));
        assertArrayEquals(new int[] {0, 0}, HierarchicalDecoder.decode(scores, HIERARCHY, true));
    }

    @Test
    void reportsPerLevelAndPathAccuracy() throws Exception {
        // example 0: gold comp/graphics, the consistent decoder gets it right, independent argmax says hockey
        // example 1: gold rec/hockey, predicted right either way
        double[][][] scores = {{{0.6, 0.4}, {0.3, 0.7}}, {{0.2, 0.7, 0.1}, {0.1, 0.8, 0.1}}};
        int[][] gold = {{0, 1}, {0, 1}};
        List<String> names = List.of("group", "topic");
        List<List<String>> labels = List.of(List.of("comp", "rec"), List.of("graphics", "hockey", "mac"));
        var consistent = HierarchicalMetrics.of(names, labels, scores, gold, HIERARCHY);
        var independent = HierarchicalMetrics.of(names, labels, scores, gold, null);
        assertEquals(1.0, consistent.pathAccuracy());
        assertEquals(0.5, independent.pathAccuracy());
        assertEquals(0.5, independent.levels().get("topic").accuracy());
        assertEquals(1.0, independent.levels().get("group").accuracy());

        JsonNode json = Json.MAPPER.valueToTree(consistent);
        List<String> keys = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("group", "topic", "path_accuracy"), keys);
        assertEquals(1.0, json.get("topic").get("accuracy").asDouble());
        assertTrue(consistent.toText().contains("== topic =="));
    }
}
