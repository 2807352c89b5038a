package dev.headwise.metrics;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.headwise.HeadwiseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hierarchical results: the metrics of each level under its name, and {@code path_accuracy}, the share of
 * examples right at every level.
 */
public record HierarchicalMetrics(Map<String, ClassificationMetrics> levels, double pathAccuracy) {
    public HierarchicalMetrics {
        levels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(levels));
    }

    /**
     * Decodes every example (see {@link HierarchicalDecoder}) and scores each level.
     *
     * @param levelNames the level names, parent first
     * @param levelLabels the class names per level
     * @param scores {@code scores[l][i][c]}: probabilities of class c at level l for example i
     * @param gold {@code gold[l][i]}: gold class ids
     * @param hierarchy valid children per parent, or null to decode every level independently
     */
    public static HierarchicalMetrics of(List<String> levelNames, List<List<String>> levelLabels, double[][][] scores,
                                         int[][] gold, int[][][] hierarchy) {
        int depth = levelNames.size();
        if (levelLabels.size() != depth || scores.length != depth || gold.length != depth) {
            throw new HeadwiseException("Hierarchical metrics need labels, scores and gold ids for each of " + depth + " levels.");
        }
        int n = gold[0].length;
        int[][] predicted = new int[depth][n];
        for (int level = 0; level < depth; level++) {
            Scores.requireShape(scores[level], n, levelLabels.get(level).size(), "scores of level " + levelNames.get(level));
        }
        long pathRight = 0;
        for (int i = 0; i < n; i++) {
            double[][] example = new double[depth][];
            for (int level = 0; level < depth; level++) {
                example[level] = scores[level][i];
            }
            int[] path = HierarchicalDecoder.decode(example, hierarchy, hierarchy != null);
            boolean right = true;
            for (int level = 0; level < depth; level++) {
                predicted[level][i] = path[level];
                right &= path[level] == gold[level][i];
            }
            pathRight += right ? 1 : 0;
        }
        Map<String, ClassificationMetrics> levels = new LinkedHashMap<>();
        for (int level = 0; level < depth; level++) {
            levels.put(levelNames.get(level), ClassificationMetrics.of(levelLabels.get(level), gold[level], predicted[level], scores[level]));
        }
        return new HierarchicalMetrics(levels, ClassStats.ratio(pathRight, n));
    }

    /** The JSON form: each level's metrics under its name, then {@code path_accuracy}. */
    @JsonValue
    public Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>(levels);
        json.put("path_accuracy", pathAccuracy);
        return json;
    }

    public String toText() {
        StringBuilder out = new StringBuilder();
        levels.forEach((name, metrics) -> out.append("== ").append(name).append(" ==").append(System.lineSeparator())
                .append(metrics.toText()).append(System.lineSeparator()));
        return out.append(String.format(Locale.ROOT, "path accuracy %.4f%n", pathAccuracy)).toString();
    }
}
