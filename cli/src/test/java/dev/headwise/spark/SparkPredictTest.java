package dev.headwise.spark;

import dev.headwise.cli.CliRunner;
import dev.headwise.testing.TinyConfig;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code headwise spark predict} in local mode against {@code headwise predict --input} on the same file. */
@Tag("spark")
class SparkPredictTest {
    private static final int ROWS = 3000;

    @TempDir
    static Path tmp;
    static Path model;
    static Path input;
    static List<CSVRecord> expected;

    /** A tiny model trained on three kinds of texts, and a few thousand rows for it, some with CSV's awkward cases. */
    @BeforeAll
    static void trainModelAndPredictWithoutSpark() throws IOException {
        var rnd = new SplittableRandom(21);
        var train = new StringBuilder("text,topic\n");
        for (int i = 0; i < 90; i++) train.append(text(rnd, i % 3, 0)).append(",t").append(i % 3).append('\n');
        model = tmp.resolve("run");
        var trained = CliRunner.run("train", "--data", Files.writeString(tmp.resolve("train.csv"), train).toString(),
                "--task", "multiclass", "--label-column", "topic", "--model", TinyConfig.write(tmp.resolve("tiny")).toString(),
                "--from-scratch", "--epochs", "8", "--lr", "1e-2", "--max-length", "16", "--threads", "1", "--out", model.toString());
        assertEquals(0, trained.exitCode(), trained.err() + trained.out());

        var rows = new StringBuilder("id,text,source\n");
        for (int i = 0; i < ROWS; i++) {
            String text = switch (i % 250) {
                case 7 -> "";
                case 11 -> "\"a quoted, text with \"\"quotes\"\"\nand a second line\"";
                default -> text(rnd, rnd.nextInt(3), 1 + rnd.nextInt(4));
            };
            rows.append("r").append(i).append(',').append(text).append(",gen").append(i % 7).append('\n');
        }
        input = Files.writeString(tmp.resolve("input.csv"), rows);
        Path reference = tmp.resolve("reference.csv");
        var predicted = CliRunner.run("predict", "--model", model.toString(), "--input", input.toString(), "--output",
                reference.toString(), "--threads", "1");
        assertEquals(0, predicted.exitCode(), predicted.err());
        expected = records(Files.newBufferedReader(reference));
        assertEquals(ROWS, expected.size());
        assertTrue(expected.stream().map(r -> r.get("prediction")).distinct().count() > 1, "the model tells the kinds apart");
    }

    @Test
    void csvOutputEqualsHeadwisePredictRowForRowInTheInputsOrder() throws IOException {
        Path out = tmp.resolve("spark.csv");
        var r = CliRunner.run("spark", "predict", "--model", model.toString(), "--input", input.toString(), "--output",
                out.toString(), "--master", "local[2]");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("wrote " + ROWS + " predictions to " + out, r.out().strip());
        List<CSVRecord> got = partFiles(out, ".csv").flatMap(f -> {
            try {
                return records(Files.newBufferedReader(f)).stream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertTrue(partFiles(out, ".csv").count() >= 2, "the one CSV file was spread over both task slots");
        assertEquals(ROWS, got.size());
        for (int i = 0; i < ROWS; i++) {
            CSVRecord want = expected.get(i), have = got.get(i);
            assertEquals(want.get("id"), have.get("id"), "row " + i);
            assertEquals(want.get("text"), have.get("text"), "row " + i);
            assertEquals(want.get("source"), have.get("source"), "row " + i);
            assertEquals(want.get("prediction"), have.get("prediction"), "row " + i);
            assertEquals(want.get("probability"), have.get("probability"), "row " + i);
        }
    }

    @Test
    void parquetOutputHasTypedColumnsAndTheSameLabels() {
        Path out = tmp.resolve("spark.parquet");
        var r = CliRunner.run("spark", "predict", "--model", model.toString(), "--input", input.toString(), "--output",
                out.toString(), "--master", "local[2]", "--batch-size", "7");
        assertEquals(0, r.exitCode(), r.err());
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", false)
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "localhost").getOrCreate();
        try {
            // Spark reads a folder's largest files first: rows are matched by id, as one would.
            var rows = new java.util.HashMap<String, Row>();
            spark.read().parquet(out.toString()).collectAsList().forEach(row -> rows.put(row.getAs("id"), row));
            assertEquals(ROWS, rows.size());
            for (int i = 0; i < ROWS; i++) {
                CSVRecord want = expected.get(i);
                Row row = rows.get(want.get("id"));
                assertEquals(want.get("text"), java.util.Objects.requireNonNullElse(row.getAs("text"), ""), "row " + i);
                assertEquals(List.of(want.get("prediction")), row.getList(row.fieldIndex(SparkClassifier.PREDICTION)), "row " + i);
                double p = row.<Double>getList(row.fieldIndex(SparkClassifier.PROBABILITY)).getFirst();
                assertEquals(want.get("probability"), String.format(java.util.Locale.ROOT, "%.4f", p), "row " + i);
            }
        } finally {
            spark.stop();
        }
    }

    @Test
    void aMissingTextColumnIsOneLineAndLeavesNothing() throws IOException {
        Path out = tmp.resolve("missing.parquet");
        var r = CliRunner.run("spark", "predict", "--model", model.toString(), "--input", input.toString(), "--output",
                out.toString(), "--text-column", "body", "--master", "local[1]");
        assertEquals(1, r.exitCode());
        assertEquals("headwise: no column body in the input; its columns are id, text, source.", r.err().strip());
        assertNothingBesides(out);
    }

    @Test
    void anExistingOutputIsKeptUnlessOverwriteAndNeverTheInput() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("kept.csv"));
        Files.writeString(out.resolve("precious.txt"), "keep me");
        var refused = CliRunner.run("spark", "predict", "--model", model.toString(), "--input", input.toString(), "--output",
                out.toString(), "--master", "local[1]");
        assertEquals(1, refused.exitCode());
        assertEquals("headwise: " + out + " already exists; use --overwrite to replace it.", refused.err().strip());
        assertEquals("keep me", Files.readString(out.resolve("precious.txt")));

        var own = CliRunner.run("spark", "predict", "--model", model.toString(), "--input", input.toString(), "--output",
                input.toString(), "--overwrite", "--master", "local[1]");
        assertEquals(1, own.exitCode());
        assertTrue(own.err().contains("must end in .parquet, .csv, .tsv or .jsonl") || own.err().contains("is the --input"), own.err());
        assertTrue(Files.isRegularFile(input));
    }

    @Test
    void aMalformedRowFailsTheJobInOneLineAndLeavesNothing() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.csv"), "id,text\n1,fine\n2,one,too many\n3,x\n");
        Path out = tmp.resolve("bad-out.jsonl");
        var r = CliRunner.run("spark", "predict", "--model", model.toString(), "--input", bad.toString(), "--output",
                out.toString(), "--master", "local[1]");
        assertEquals(1, r.exitCode(), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("headwise: Spark failed: "), r.err());
        assertNothingBesides(out);
    }

    @Test
    void anOutputWithoutAFormatIsRefusedBeforeSparkStarts() {
        var r = CliRunner.run("spark", "predict", "--model", model.toString(), "--input", input.toString(), "--output",
                tmp.resolve("predictions").toString());
        assertEquals(1, r.exitCode());
        assertEquals("headwise: --output " + tmp.resolve("predictions") + " must end in .parquet, .csv, .tsv or .jsonl (the format to write).",
                r.err().strip());
    }

    private static final List<List<String>> TOPICS = List.of(List.of("apple", "bread", "cheese", "soup", "pie"),
            List.of("sea", "wave", "boat", "fish", "shore"), List.of("car", "road", "engine", "wheel", "truck"));
    private static final List<String> NOISE = List.of("the", "a", "today", "very", "blue", "sea", "pie", "road");

    /** 3 to 10 words of one topic, and some words of any. */
    private static String text(SplittableRandom rnd, int topic, int noise) {
        var words = new ArrayList<String>();
        for (int w = 3 + rnd.nextInt(8); w > 0; w--) words.add(TOPICS.get(topic).get(rnd.nextInt(5)));
        for (int w = 0; w < noise; w++) words.add(rnd.nextInt(words.size() + 1), NOISE.get(rnd.nextInt(NOISE.size())));
        return String.join(" ", words);
    }

    /** Neither the output nor a temporary folder for it is left in its parent. */
    private static void assertNothingBesides(Path out) throws IOException {
        assertFalse(Files.exists(out), out + " was left behind");
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            var left = siblings.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("." + out.getFileName())).toList();
            assertEquals(List.of(), left);
        }
    }

    private static Stream<Path> partFiles(Path dir, String ext) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("part-") && f.toString().endsWith(ext)).sorted().toList().stream();
        }
    }

    private static List<CSVRecord> records(Reader reader) throws IOException {
        try (reader; var parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
            return new ArrayList<>(parser.getRecords());
        }
    }
}
