package dev.headwise.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.io.Json;
import dev.headwise.metrics.ClassStats;
import dev.headwise.metrics.ClassificationMetrics;
import dev.headwise.metrics.HierarchicalMetrics;

/**
 * The {@code test_metrics.json} of a hierarchical run: each level's full metrics under its name with a
 * {@code recall} object (class name to recall) added, then {@code path_accuracy}.
 */
public final class TestMetricsJson {

    private TestMetricsJson() {}

    public static ObjectNode of(HierarchicalMetrics metrics) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        metrics.levels().forEach((level, m) -> root.set(level, levelJson(m)));
        root.put("path_accuracy", metrics.pathAccuracy());
        return root;
    }

    private static ObjectNode levelJson(ClassificationMetrics m) {
        ObjectNode level = Json.MAPPER.valueToTree(m);
        ObjectNode recall = level.putObject("recall");
        for (ClassStats c : m.perClass()) recall.put(c.label(), c.recall());
        return level;
    }
}
