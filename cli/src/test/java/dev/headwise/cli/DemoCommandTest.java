package dev.headwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.data.spamassassin.EmailClass;
import dev.headwise.data.spamassassin.EmailRow;
import dev.headwise.data.spamassassin.TarGzFixture;
import dev.headwise.io.Json;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest {

    @TempDir
    Path dir;

    /** A package shaped like the npm one: 30 easy ham, 10 hard ham and 20 spam emails. */
    private Path fakePackage() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/package.json", "{}".getBytes(StandardCharsets.UTF_8));
        add(entries, "easy-ham-1", 30, i -> "Subject: meeting notes " + i + "\n\nThe build on branch " + i + " passed; see you at standup.");
        add(entries, "hard-ham-1", 10, i -> "Subject: Your newsletter <b>" + i + "</b>\n\nThis week's deals from a shop you subscribed to.");
        add(entries, "spam-1", 20, i -> "Subject: WIN $" + i + "000 NOW\n\nClick here to claim your prize & free pills!!!");
        return TarGzFixture.write(dir.resolve("package.tgz"), entries);
    }

    private static void add(Map<String, byte[]> entries, String group, int count, java.util.function.IntFunction<String> email) {
        for (int i = 0; i < count; i++) {
            entries.put(TarGzFixture.emailPath(group, String.format("%05d.%s", i, group), "txt"),
                    email.apply(i).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void runsEndToEndAndWritesMetricsReportAndModel() throws IOException {
        Path run = dir.resolve("run");
        CliRunner result = CliRunner.run("demo", "--package", fakePackage().toString(), "--cache", dir.resolve("cache").toString(),
                "--out", run.toString(), "--from-scratch", "--scratch-shape", "1,32,2,64", "--train-size", "30",
                "--eval-size", "0", "--epochs", "1", "--batch-size", "8", "--max-length", "24", "--tail-tokens", "8",
                "--threads", "1");

        assertEquals(0, result.exitCode(), result.err() + result.out());
        JsonNode metrics = Json.MAPPER.readTree(run.resolve("test_metrics.json").toFile());
        for (String level : List.of("level1", "level2")) {
            assertTrue(metrics.path(level).path("accuracy").isNumber(), level + " accuracy in " + metrics);
            assertTrue(metrics.path(level).path("macro_f1").isNumber(), level + " macro_f1 in " + metrics);
        }
        assertEquals(Set.of("ham", "spam"), fieldNames(metrics.path("level1").path("recall")));
        assertEquals(Set.of("easy_ham", "hard_ham", "spam"), fieldNames(metrics.path("level2").path("recall")));
        assertTrue(metrics.path("path_accuracy").isNumber());

        String html = Files.readString(run.resolve("report.html"));
        for (String section : List.of("settings", "data", "curves", "metrics", "timings", "errors", "reproduce")) {
            assertTrue(html.contains("<section id=\"" + section + "\">"), "section " + section);
        }
        assertTrue(html.contains("data:image/png;base64,"), "the training curves are embedded");
        assertTrue(html.contains("--from-scratch"), "the reproduce command names the run's flags");
        assertTrue(Files.isRegularFile(run.resolve("model/model.safetensors")));
        JsonNode headwise = Json.MAPPER.readTree(run.resolve("model/config.json").toFile()).path("headwise");
        assertEquals(24, headwise.path("max_length").asInt(), "the model keeps how training cut its texts");
        assertEquals(8, headwise.path("tail_tokens").asInt());
        assertTrue(html.contains("--tail-tokens 8"), "the reproduce command keeps the truncation");
        assertTrue(result.out().contains("hard_ham recall"), result.out());
    }

    @Test
    void readsEmailsAsWindowsWhenAsked() throws IOException {
        Path run = dir.resolve("windows-run");
        CliRunner result = CliRunner.run("demo", "--package", fakePackage().toString(), "--cache", dir.resolve("cache").toString(),
                "--out", run.toString(), "--from-scratch", "--scratch-shape", "1,32,2,64", "--train-size", "30",
                "--eval-size", "0", "--epochs", "1", "--batch-size", "8", "--max-length", "8", "--windows",
                "--window-overlap", "2", "--max-windows", "3", "--threads", "1");
        assertEquals(0, result.exitCode(), result.err() + result.out());
        JsonNode headwise = Json.MAPPER.readTree(run.resolve("model/config.json").toFile()).path("headwise");
        assertEquals(0, headwise.path("tail_tokens").asInt());
        assertEquals(2, headwise.path("windows").path("overlap").asInt(), headwise.toString());
        assertEquals(3, headwise.path("windows").path("max_windows").asInt());
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("--windows --window-overlap 2 --window-pooling mean --max-windows 3"), "the reproduce command keeps the windows");
        assertTrue(html.contains("windows of 8 tokens sharing 2"), "the settings name the windows");

        CliRunner tail = CliRunner.run("demo", "--package", fakePackage().toString(), "--cache", dir.resolve("cache").toString(),
                "--out", dir.resolve("rejected").toString(), "--windows", "--tail-tokens", "4");
        assertEquals(1, tail.exitCode());
        assertTrue(tail.err().contains("does not go with --tail-tokens"), tail.err());
        assertTrue(Files.notExists(dir.resolve("rejected")));
    }

    @Test
    void testEmailsAreNeverTrainedOnOrUsedForSelection() throws IOException {
        Path run = dir.resolve("run");
        CliRunner result = CliRunner.run("demo", "--package", fakePackage().toString(), "--cache", dir.resolve("cache").toString(),
                "--out", run.toString(), "--from-scratch", "--scratch-shape", "1,16,2,32", "--train-size", "20",
                "--eval-size", "0", "--epochs", "1", "--batch-size", "8", "--max-length", "16", "--threads", "1");
        assertEquals(0, result.exitCode(), result.err());

        Set<String> train = ids(run.resolve("data/train/emails.csv"));
        Set<String> eval = ids(run.resolve("data/eval/emails.csv"));
        Set<String> test = ids(run.resolve("data/test/emails.csv"));
        assertEquals(20, train.size(), "a stratified sample of --train-size emails");
        assertEquals(12, test.size(), "20% of the 60 emails");
        for (Set<String> other : List.of(train, eval)) {
            Set<String> overlap = new HashSet<>(test);
            overlap.retainAll(other);
            assertTrue(overlap.isEmpty(), "test emails in another split: " + overlap);
        }
    }

    @Test
    void refusesANonEmptyRunFolder() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("keep.txt"), "x");
        CliRunner result = CliRunner.run("demo", "--out", run.toString(), "--package", dir.resolve("missing.tgz").toString());
        assertEquals(1, result.exitCode());
        assertTrue(result.err().contains("not empty"), result.err());
    }

    @Test
    void samplesInProportionButRaisesSmallClassesToTheMinimum() {
        List<EmailRow> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            EmailClass c = i < 80 ? EmailClass.EASY_HAM : i < 84 ? EmailClass.HARD_HAM : EmailClass.SPAM;
            rows.add(new EmailRow(Integer.toString(i), "g", "s" + i, "b", c));
        }
        List<EmailRow> sample = DemoSplits.stratifiedSample(rows, 40, 5, 7);

        Map<EmailClass, Long> perClass = sample.stream().collect(Collectors.groupingBy(EmailRow::emailClass, Collectors.counting()));
        assertEquals(32, perClass.get(EmailClass.EASY_HAM), "80% of 40");
        assertEquals(4, perClass.get(EmailClass.HARD_HAM), "raised to 5 but only 4 exist");
        assertEquals(6, perClass.get(EmailClass.SPAM), "16% of 40, rounded");
        List<Integer> order = sample.stream().map(r -> Integer.parseInt(r.id())).toList();
        assertEquals(order.stream().sorted().toList(), order, "rows keep their order");
        assertEquals(sample, DemoSplits.stratifiedSample(rows, 40, 5, 7), "the same seed draws the same sample");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> ids(Path csv) throws IOException {
        Set<String> ids = new HashSet<>();
        try (Reader in = Files.newBufferedReader(csv)) {
            for (CSVRecord r : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
                ids.add(r.get("group") + "/" + r.get("id"));
            }
        }
        return ids;
    }
}
