package dev.headwise.metrics;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Averages and the text rendering shared by the metric records (layout of scikit-learn's classification_report). */
final class Reports {
    private Reports() {}

    /** A summary line under the per-class rows; null precision/recall print blank (as for accuracy). */
    record Summary(String name, Double precision, Double recall, double f1, int support) {}

    static double macroF1(List<ClassStats> stats) {
        return stats.stream().mapToDouble(ClassStats::f1).average().orElse(0);
    }

    static double weightedF1(List<ClassStats> stats) {
        return weighted(stats, ClassStats::f1);
    }

    private static double weighted(List<ClassStats> stats, java.util.function.ToDoubleFunction<ClassStats> value) {
        long support = stats.stream().mapToLong(ClassStats::support).sum();
        return support == 0 ? 0 : stats.stream().mapToDouble(s -> value.applyAsDouble(s) * s.support()).sum() / support;
    }

    static Summary accuracyRow(double accuracy, int support) {
        return new Summary("accuracy", null, null, accuracy, support);
    }

    /** Macro (plain mean) or weighted (by support) precision and recall, with the given F1. */
    static Summary averageRow(String name, List<ClassStats> stats, boolean bySupport, double f1) {
        int support = stats.stream().mapToInt(ClassStats::support).sum();
        double precision = bySupport ? weighted(stats, ClassStats::precision) : stats.stream().mapToDouble(ClassStats::precision).average().orElse(0);
        double recall = bySupport ? weighted(stats, ClassStats::recall) : stats.stream().mapToDouble(ClassStats::recall).average().orElse(0);
        return new Summary(name, precision, recall, f1, support);
    }

    static String table(List<ClassStats> stats, List<Summary> summaries) {
        int width = Stream.concat(stats.stream().map(ClassStats::label), summaries.stream().map(Summary::name))
                .mapToInt(String::length).max().orElse(0);
        width = Math.max(width, "weighted avg".length());
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%" + width + "s  %9s %9s %9s %9s%n%n", "", "precision", "recall", "f1-score", "support"));
        for (ClassStats s : stats) {
            out.append(String.format(Locale.ROOT, "%" + width + "s  %9.2f %9.2f %9.2f %9d%n", s.label(), s.precision(), s.recall(), s.f1(), s.support()));
        }
        out.append(System.lineSeparator());
        for (Summary s : summaries) {
            out.append(String.format(Locale.ROOT, "%" + width + "s  %9s %9s %9.2f %9d%n", s.name(), number(s.precision()),
                    number(s.recall()), s.f1(), s.support()));
        }
        return out.toString();
    }

    private static String number(Double value) {
        return value == null ? "" : String.format(Locale.ROOT, "%.2f", value);
    }

    static String rocAucLine(RocAuc auc) {
        if (auc == null) {
            return "";
        }
        StringBuilder out = new StringBuilder("\nROC-AUC:");
        if (auc.positive() != null) {
            out.append(String.format(Locale.ROOT, " positive class %.4f", auc.positive()));
        }
        out.append(" macro ").append(auc.macro() == null ? "undefined" : String.format(Locale.ROOT, "%.4f", auc.macro()));
        out.append(" micro ").append(auc.micro() == null ? "undefined" : String.format(Locale.ROOT, "%.4f", auc.micro()));
        if (auc.undefined() != null) {
            out.append(" (undefined for ").append(String.join(", ", auc.undefined())).append(')');
        }
        return out.append(System.lineSeparator()).toString();
    }

    static String confusion(List<String> labels, int[][] matrix) {
        int width = labels.stream().mapToInt(String::length).max().orElse(1);
        for (int[] row : matrix) {
            for (int v : row) {
                width = Math.max(width, Integer.toString(v).length());
            }
        }
        int rowWidth = Math.max(width, "gold \\ predicted".length());
        StringBuilder out = new StringBuilder("Confusion matrix (rows: gold, columns: predicted)").append(System.lineSeparator());
        out.append(String.format(Locale.ROOT, "%" + rowWidth + "s", "gold \\ predicted"));
        for (String label : labels) {
            out.append(String.format(Locale.ROOT, " %" + width + "s", label));
        }
        out.append(System.lineSeparator());
        for (int r = 0; r < matrix.length; r++) {
            out.append(String.format(Locale.ROOT, "%" + rowWidth + "s", labels.get(r)));
            for (int v : matrix[r]) {
                out.append(String.format(Locale.ROOT, " %" + width + "d", v));
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }

    static int[][] copy(int[][] matrix) {
        return java.util.Arrays.stream(matrix).map(int[]::clone).toArray(int[][]::new);
    }
}
