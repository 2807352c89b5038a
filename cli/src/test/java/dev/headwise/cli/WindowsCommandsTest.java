package dev.headwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.infer.Classifier;
import dev.headwise.io.Json;
import dev.headwise.tokenize.Windows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train, evaluate and predict with --windows on a tiny from-scratch model and texts longer than --max-length. */
class WindowsCommandsTest {

    @TempDir
    static Path tmp;
    static Path config;
    static Path data;
    static Path trained;
    static CliRunner training;

    @BeforeAll
    static void trainWithWindows() throws IOException {
        config = dev.headwise.testing.TinyConfig.write(tmp.resolve("tiny"));
        // The class word comes at the end of a long text, past the first window.
        var rnd = new SplittableRandom(3);
        var sb = new StringBuilder("text,label\n");
        for (int i = 0; i < 60; i++) {
            boolean spam = i % 2 == 0;
            sb.append("hello team ".repeat(7 + rnd.nextInt(6))).append(spam ? "money money prize" : "meeting notes agenda")
                    .append(',').append(spam ? "spam" : "ham").append('\n');
        }
        data = Files.writeString(tmp.resolve("long.csv"), sb);
        trained = tmp.resolve("run");
        training = CliRunner.run("train", "--data", data.toString(), "--model", config.toString(), "--from-scratch", "--task", "multiclass",
                "--max-length", "16", "--windows", "--window-overlap", "4", "--window-pooling", "max", "--epochs", "12", "--lr", "5e-3",
                "--batch-size", "16", "--eval-split", "0.25", "--threads", "1", "--out", trained.toString());
    }

    @Test
    void trainRecordsTheWindowsAndTrainsOnEveryWindow() throws IOException {
        assertEquals(0, training.exitCode(), training.err() + training.out());
        JsonNode saved = Json.MAPPER.readTree(trained.resolve("config.json").toFile()).path("headwise").path("windows");
        assertEquals(4, saved.path("overlap").asInt(), saved.toString());
        assertEquals("max", saved.path("pooling").asText());
        try (var c = Classifier.load(trained)) {
            assertEquals(new Windows(4, Windows.Pooling.MAX, Integer.MAX_VALUE), c.windows());
            var p = c.predict("hello team ".repeat(11) + "money money prize");
            assertTrue(p.windows() >= 2, "a long text is read as windows: " + p.windows());
            assertFalse(p.truncated());
            // The class words lie past the first window, so only a model that read every window tells these apart.
            assertEquals(List.of("spam"), p.labels());
            assertEquals(List.of("ham"), c.predict("hello team ".repeat(11) + "meeting notes agenda").labels());
            assertTrue(c.paddingEfficiency() > 0 && c.paddingEfficiency() <= 1);
        }
        try (var c = Classifier.load(trained, new org.bytedeco.pytorch.Device("cpu"), null, new Windows(4, Windows.Pooling.MAX, 2))) {
            var p = c.predict("hello team ".repeat(11) + "money money prize");
            assertEquals(2, p.windows());
            assertTrue(p.truncated(), "cut at --max-windows");
        }
    }

    @Test
    void evaluateAndPredictReadTextsAsTrained() throws IOException {
        assertEquals(0, training.exitCode(), training.err() + training.out());
        Path metrics = tmp.resolve("metrics.json");
        var eval = CliRunner.run("evaluate", "--model", trained.toString(), "--data", data.toString(), "--threads", "1",
                "--json", metrics.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("60 examples"), eval.out());
        var windows = java.util.regex.Pattern.compile("read as (\\d+) windows").matcher(eval.out());
        assertTrue(windows.find(), eval.out());
        assertTrue(Integer.parseInt(windows.group(1)) > 60, "metrics per text over more windows: " + eval.out());
        JsonNode m = Json.MAPPER.readTree(metrics.toFile());
        assertEquals(60, m.path("per_class").get(0).path("support").asInt() + m.path("per_class").get(1).path("support").asInt(),
                "support counts texts, not windows: " + m);
        assertTrue(m.path("accuracy").asDouble() > 0.9, "the class words past the first window are read: " + m);

        var predict = CliRunner.run("predict", "--model", trained.toString(), "--threads", "1", "hello team ".repeat(10) + "meeting");
        assertEquals(0, predict.exitCode(), predict.err());
        assertTrue(predict.out().contains("as ") && predict.out().contains("padding efficiency"), predict.out());
        var mean = CliRunner.run("predict", "--model", trained.toString(), "--threads", "1", "--windows", "--window-overlap", "4",
                "--window-pooling", "mean", "hello team ".repeat(10) + "money prize");
        assertEquals(0, mean.exitCode(), mean.err());
        assertTrue(mean.out().contains("\tspam ("), mean.out());
    }

    /** encode pools a text's window vectors: max at least the mean, and the two equal for a text of one window. */
    @Test
    void encodePoolsTheWindowVectors() throws IOException {
        assertEquals(0, training.exitCode(), training.err() + training.out());
        String longText = "hello team ".repeat(20) + "money prize", shortText = "hello team";
        float[][] mean = vectors("mean", longText, shortText), max = vectors("max", longText, shortText);
        int above = 0;
        for (int i = 0; i < mean[0].length; i++) {
            assertTrue(max[0][i] >= mean[0][i] - 1e-6, "max below the mean at " + i);
            if (max[0][i] > mean[0][i] + 1e-4) above++;
            assertEquals(mean[1][i], max[1][i], 1e-6, "one window: nothing to pool");
        }
        assertTrue(above > 0, "the windows of the long text differ");
    }

    private static float[][] vectors(String pooling, String... texts) throws IOException {
        var args = new java.util.ArrayList<>(List.of("encode", "--model", trained.toString(), "--threads", "1", "--windows",
                "--window-overlap", "4", "--window-pooling", pooling));
        args.addAll(List.of(texts));
        var r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return Json.MAPPER.readValue(r.out(), float[][].class);
    }

    /**
     * A 1 MB text (tens of thousands of windows) predicted in a child JVM with a 64 MB heap: its windows stream
     * through the model a batch at a time, so reading all of them peaks at about the resident memory of reading
     * only its first window (the same tokenization), far below what all their activations at once would take.
     */
    @Test
    void aOneMegabyteTextIsPredictedInBoundedMemory() throws Exception {
        assertEquals(0, training.exitCode(), training.err() + training.out());
        var words = new StringBuilder();
        while (words.length() < 1 << 20) words.append("hello team ");
        words.append("money prize");
        long shortPeak = childPeakKb("short", "hello team money prize", 1);
        long firstPeak = childPeakKb("first", words.toString(), 1, "--windows", "--window-overlap", "4", "--max-windows", "1");
        long longPeak = childPeakKb("long", words.toString(), (1 << 20) / 11 * 2 / 10);
        System.out.printf("peak RSS predicting a 1 MB text: all windows %d MB, its first window only %d MB, a short text %d MB%n",
                longPeak >> 10, firstPeak >> 10, shortPeak >> 10);
        assertTrue(longPeak - firstPeak < 40 << 10, "peak RSS " + longPeak + " kB against " + firstPeak + " kB for one window");
    }

    /** The child's peak resident set (VmHWM) predicting one text; it must read at least {@code minWindows} windows. */
    private static long childPeakKb(String name, String text, int minWindows, String... options) throws Exception {
        Path input = tmp.resolve(name + ".jsonl");
        Files.writeString(input, Json.MAPPER.writeValueAsString(java.util.Map.of("text", text)) + "\n");
        Path log = tmp.resolve(name + ".log");
        var args = new java.util.ArrayList<>(List.of("predict", "--model", trained.toString(), "--threads", "1",
                "--input", input.toString(), "--output", tmp.resolve(name + "-out.jsonl").toString()));
        args.addAll(List.of(options));
        Process p = ChildJvm.start(log, "64m", args.toArray(String[]::new));
        long peak = 0;
        Path status = Path.of("/proc/" + p.pid() + "/status");
        while (p.isAlive()) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:")) peak = Math.max(peak, Long.parseLong(line.replaceAll("\\D", "")));
                }
            } catch (IOException exited) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals(0, p.waitFor(), Files.readString(log));
        var read = java.util.regex.Pattern.compile("as (\\d+) window").matcher(Files.readString(log));
        assertTrue(read.find() && Integer.parseInt(read.group(1)) >= minWindows, Files.readString(log));
        return peak;
    }

    @Test
    void aWindowOptionWithoutWindowsIsOneErrorAndWritesNothing() {
        Path out = tmp.resolve("rejected");
        var r = CliRunner.run("train", "--data", data.toString(), "--model", config.toString(), "--from-scratch", "--task", "multiclass",
                "--window-overlap", "4", "--out", out.toString());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("need --windows"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(out));
        var tail = CliRunner.run("train", "--data", data.toString(), "--model", config.toString(), "--from-scratch", "--task", "multiclass",
                "--windows", "--tail-tokens", "4", "--out", out.toString());
        assertNotEquals(0, tail.exitCode());
        assertFalse(Files.exists(out));
        for (var cmd : List.of("predict", "evaluate")) {
            var bad = CliRunner.run(cmd, "--model", trained.toString(), "--max-windows", "2",
                    cmd.equals("predict") ? "x" : "--data=" + data);
            assertNotEquals(0, bad.exitCode(), cmd);
            assertTrue(bad.err().contains("need --windows"), bad.err());
        }
    }
}
