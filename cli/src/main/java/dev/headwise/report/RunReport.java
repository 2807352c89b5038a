package dev.headwise.report;

import dev.headwise.HeadwiseException;
import dev.headwise.io.AtomicFiles;
import dev.headwise.metrics.ClassStats;
import dev.headwise.metrics.ClassificationMetrics;
import dev.headwise.metrics.HierarchicalMetrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A self-contained HTML page about one training run: settings, data, training curves, test metrics and
 * confusion matrices per level, timings, misclassified examples and the command that reproduces it. All
 * text (email text included) is escaped; the curves PNG is embedded as a data URI.
 *
 * @param classCounts split name to class name to count, in display order
 * @param curvesPng the training curves image, or null when there is none
 */
public record RunReport(String title, String command, Map<String, String> settings,
                        Map<String, Map<String, Integer>> classCounts, HierarchicalMetrics test, List<Timing> timings,
                        List<Misclassified> misclassified, Path curvesPng) {
    private static final int BODY_CHARS = 300;
    private static final String CSS = """
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:72em;\
            padding:0 1em;color:#222;line-height:1.4}
            h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
            table{border-collapse:collapse;margin:.6em 0 1em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
            th:first-child,td:first-child{text-align:left}th{background:#f3f3f3}
            td.text{text-align:left;max-width:40em;font-size:.9em}#settings td{text-align:left}
            pre{background:#f6f6f6;padding:.8em;overflow-x:auto;white-space:pre-wrap}
            .headline{font-size:1.15em;background:#eef6ee;padding:.6em 1em;border-radius:4px}
            img{max-width:100%}.muted{color:#777}
            """;

    public RunReport {
        if (title == null || command == null || settings == null || classCounts == null || test == null || timings == null
                || misclassified == null) {
            throw new HeadwiseException("A run report needs its title, command, settings, counts, test metrics, timings "
                    + "and examples.");
        }
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        timings = List.copyOf(timings);
        misclassified = List.copyOf(misclassified);
    }

    /** Writes the page to {@code file} atomically. */
    public void write(Path file) {
        try {
            AtomicFiles.write(file, toHtml().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HeadwiseException("Cannot write the report " + file + ": " + e.getMessage() + ".", e);
        }
    }

    public String toHtml() {
        StringBuilder page = new StringBuilder(64 * 1024);
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(Html.escape(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
                .append("<h1>").append(Html.escape(title)).append("</h1>\n")
                .append("<p class=\"headline\">").append(Html.escape(headline())).append("</p>\n");
        section(page, "settings", "Settings", Html.table(List.of("setting", "value"),
                settings.entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList()));
        section(page, "data", "Data", countsTable());
        section(page, "curves", "Training curves", curves());
        section(page, "metrics", "Test metrics", metrics());
        section(page, "timings", "Timings", Html.table(List.of("phase", "seconds", "examples", "examples/s"),
                timings.stream().map(t -> List.of(t.phase(), fmt("%.1f", t.seconds()),
                        t.samples() > 0 ? Long.toString(t.samples()) : "",
                        t.samples() > 0 ? fmt("%.1f", t.samplesPerSecond()) : "")).toList()));
        section(page, "errors", "Misclassified test examples", errors());
        section(page, "reproduce", "Reproduce", "<pre>" + Html.escape(command) + "</pre>\n");
        return page.append("</body>\n</html>\n").toString();
    }

    /** One line with each level's accuracy and the path accuracy. */
    public String headline() {
        List<String> parts = new ArrayList<>();
        test.levels().forEach((level, m) -> parts.add(level + " accuracy " + fmt("%.4f", m.accuracy())));
        parts.add("path accuracy " + fmt("%.4f", test.pathAccuracy()));
        return "Test split: " + String.join(", ", parts);
    }

    private static void section(StringBuilder page, String id, String heading, String body) {
        page.append("<section id=\"").append(id).append("\">\n<h2>").append(Html.escape(heading)).append("</h2>\n")
                .append(body).append("</section>\n");
    }

    private String countsTable() {
        Set<String> classes = new LinkedHashSet<>();
        classCounts.values().forEach(c -> classes.addAll(c.keySet()));
        List<String> header = new ArrayList<>(List.of("class"));
        header.addAll(classCounts.keySet());
        List<List<String>> rows = new ArrayList<>();
        for (String cls : classes) {
            List<String> row = new ArrayList<>(List.of(cls));
            classCounts.values().forEach(c -> row.add(Integer.toString(c.getOrDefault(cls, 0))));
            rows.add(row);
        }
        List<String> total = new ArrayList<>(List.of("total"));
        classCounts.values().forEach(c -> total.add(Integer.toString(c.values().stream().mapToInt(Integer::intValue).sum())));
        rows.add(total);
        return Html.table(header, rows);
    }

    private String curves() {
        if (curvesPng == null || !Files.isRegularFile(curvesPng)) return "<p class=\"muted\">No training curves were written.</p>\n";
        try {
            return Html.pngImage(Files.readAllBytes(curvesPng), "training loss and evaluation metrics by step");
        } catch (IOException e) {
            throw new HeadwiseException("Cannot read the training curves " + curvesPng + ": " + e.getMessage() + ".", e);
        }
    }

    private String metrics() {
        StringBuilder out = new StringBuilder();
        out.append("<p>Path accuracy (every level right): ").append(fmt("%.4f", test.pathAccuracy())).append("</p>\n");
        test.levels().forEach((level, m) -> {
            out.append("<h3>").append(Html.escape(level)).append("</h3>\n");
            List<List<String>> rows = new ArrayList<>();
            for (ClassStats c : m.perClass()) {
                rows.add(List.of(c.label(), fmt("%.4f", c.precision()), fmt("%.4f", c.recall()), fmt("%.4f", c.f1()),
                        Integer.toString(c.support())));
            }
            int support = m.perClass().stream().mapToInt(ClassStats::support).sum();
            rows.add(List.of("accuracy", "", "", fmt("%.4f", m.accuracy()), Integer.toString(support)));
            rows.add(List.of("macro avg", "", "", fmt("%.4f", m.macroF1()), Integer.toString(support)));
            out.append(Html.table(List.of("class", "precision", "recall", "f1", "support"), rows));
            out.append("<p>Confusion matrix (rows: gold, columns: predicted)</p>\n").append(confusion(m));
        });
        return out.toString();
    }

    /** The confusion matrix with each cell shaded by its share of the gold row. */
    private static String confusion(ClassificationMetrics m) {
        List<String> labels = m.perClass().stream().map(ClassStats::label).toList();
        int[][] cm = m.confusionMatrix();
        StringBuilder out = new StringBuilder("<table class=\"confusion\">\n<tr><th>gold \\ predicted</th>");
        labels.forEach(l -> out.append("<th>").append(Html.escape(l)).append("</th>"));
        out.append("</tr>\n");
        for (int g = 0; g < cm.length; g++) {
            int rowTotal = Arrays.stream(cm[g]).sum();
            out.append("<tr><th>").append(Html.escape(labels.get(g))).append("</th>");
            for (int p = 0; p < cm[g].length; p++) {
                double share = rowTotal == 0 ? 0 : (double) cm[g][p] / rowTotal;
                String colour = g == p ? "46,139,87" : "205,92,92";
                out.append("<td style=\"background:rgba(").append(colour).append(',').append(fmt("%.2f", 0.1 + 0.6 * share))
                        .append(")\">").append(cm[g][p]).append("</td>");
            }
            out.append("</tr>\n");
        }
        return out.append("</table>\n").toString();
    }

    private String errors() {
        if (misclassified.isEmpty()) return "<p>No test example was misclassified.</p>\n";
        StringBuilder out = new StringBuilder("<table>\n<tr><th>gold</th><th>predicted</th><th>confidence</th>"
                + "<th>subject</th><th>start of body</th></tr>\n");
        for (Misclassified e : misclassified) {
            out.append("<tr><td>").append(Html.escape(e.gold())).append("</td><td>").append(Html.escape(e.predicted()))
                    .append("</td><td>").append(fmt("%.3f", e.confidence())).append("</td><td class=\"text\">")
                    .append(Html.escape(e.subject())).append("</td><td class=\"text\">")
                    .append(Html.escape(e.bodyStart(BODY_CHARS))).append("</td></tr>\n");
        }
        return out.append("</table>\n").toString();
    }

    private static String fmt(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }
}
