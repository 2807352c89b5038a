package dev.headwise.report;

import dev.headwise.metrics.HierarchicalMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunReportTest {
    @TempDir
    Path dir;

    /** Gold ham, ham, spam, spam (easy, hard, spam, spam) predicted ham, spam, spam, spam. */
    static HierarchicalMetrics metrics() {
        double[][][] scores = {
                {{0.9, 0.1}, {0.2, 0.8}, {0.1, 0.9}, {0.3, 0.7}},
                {{0.8, 0.1, 0.1}, {0.1, 0.1, 0.8}, {0.1, 0.0, 0.9}, {0.2, 0.1, 0.7}}};
        int[][] gold = {{0, 0, 1, 1}, {0, 1, 2, 2}};
        return HierarchicalMetrics.of(List.of("level1", "level2"), List.of(List.of("ham", "spam"),
                List.of("easy_ham", "hard_ham", "spam")), scores, gold, null);
    }

    private RunReport report(List<Misclassified> errors, Path curves) {
        Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        counts.put("train", Map.of("ham.easy_ham", 7, "spam.spam", 3));
        counts.put("test", Map.of("ham.easy_ham", 2, "spam.spam", 1));
        return new RunReport("demo <run>", "./headwise demo --seed 7", Map.of("epochs", "2"), counts, metrics(),
                List.of(new Timing("training", 4.0, 10)), errors, curves);
    }

    @Test
    void escapesEmailTextEverywhere() {
        var evil = new Misclassified("<script>alert('x')</script>", "body & <img src=x onerror=alert(1)>", "ham/hard_ham",
                "spam/spam", 0.8);
        String html = report(List.of(evil), null).toHtml();
        assertFalse(html.contains("<script>"), "raw script tag in the page");
        assertFalse(html.contains("<img src=x"), "raw img tag in the page");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assertTrue(html.contains("body &amp; &lt;img src=x onerror=alert(1)&gt;"));
        assertTrue(html.contains("<title>demo &lt;run&gt;</title>"));
    }

    @Test
    void showsCountsMetricsConfusionTimingsAndCommand() {
        String html = report(List.of(), null).toHtml();
        assertTrue(html.contains("<tr><td>ham.easy_ham</td><td>7</td><td>2</td></tr>"), "counts per class and split");
        assertTrue(html.contains("<tr><td>total</td><td>10</td><td>3</td></tr>"));
        // level1: one of two ham emails right, so ham recall 0.5; the confusion row of ham is 1, 1
        assertTrue(html.contains("<td>ham</td><td>1.0000</td><td>0.5000</td>"), "ham precision 1, recall 0.5");
        assertTrue(html.matches("(?s).*<tr><th>ham</th><td[^>]*>1</td><td[^>]*>1</td></tr>.*"), "ham confusion row");
        assertTrue(html.contains("<td>training</td><td>4.0</td><td>10</td><td>2.5</td>"), "examples per second");
        assertTrue(html.contains("<pre>./headwise demo --seed 7</pre>"));
        assertTrue(html.contains("No test example was misclassified"));
        assertTrue(html.contains("No training curves were written"));
    }

    @Test
    void embedsTheCurvesAndWritesTheFile() throws IOException {
        Path png = Files.write(dir.resolve("c.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Path file = dir.resolve("report.html");
        report(List.of(), png).write(file);
        assertTrue(Files.readString(file).contains("src=\"data:image/png;base64,iVBORw==\""));
    }

    @Test
    void cutsLongBodiesAtTheLimit() {
        var e = new Misclassified("s", "a  b\n\nc" + "x".repeat(500), "g", "p", 0.5);
        String start = e.bodyStart(10);
        assertEquals("a b cxxxxx…", start);
    }
}
