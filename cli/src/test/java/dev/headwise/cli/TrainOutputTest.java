package dev.headwise.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.headwise.io.Json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code train} writes: nothing at all for a rejected option, the finished run renamed into place,
 * and {@code --resume} of a run that wrote no checkpoint yet starting from step 0.
 */
class TrainOutputTest {
    @TempDir
    static Path tmp;
    static Path config;
    static Path data;

    @BeforeAll
    static void files() throws IOException {
        config = dev.headwise.testing.TinyConfig.write(tmp.resolve("tiny"));
        var sb = new StringBuilder("text,topic\n");
        for (int i = 0; i < 40; i++) sb.append(i % 2 == 0 ? "red apple pie " : "blue sea wave ").append(i).append(',')
                .append(i % 2 == 0 ? "food" : "sea").append('\n');
        data = tmp.resolve("topics.csv");
        Files.writeString(data, sb);
    }

    private static CliRunner train(Path out, String... extra) {
        var args = new ArrayList<>(List.of("train", "--data", data.toString(), "--task", "multiclass", "--label-column",
                "topic", "--model", config.toString(), "--from-scratch", "--max-length", "8", "--threads", "1", "--out", out.toString()));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    private static void assertOneLineError(CliRunner r, String expected) {
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void aRejectedOptionWritesNothing() throws Exception {
        Path parent = tmp.resolve("rejected");
        Path out = parent.resolve("run");
        Path csvModel = data;
        List<List<String>> bad = List.of(
                List.of("--lr", "-1e-4"), List.of("--batch-size", "0"), List.of("--epochs", "0"),
                List.of("--schedule", "sideways"), List.of("--metric", "accuracy_typo"), List.of("--eval-split", "1.5"),
                List.of("--class-weights", "1,2,3"), List.of("--tail-tokens", "99"), List.of("--keep-last", "0"));
        List<String> expected = List.of("--lr", "--batch-size", "--epochs", "sideways", "accuracy_typo", "fractions",
                "class", "tail", "--keep-last");
        for (int i = 0; i < bad.size(); i++) {
            assertOneLineError(train(out, bad.get(i).toArray(String[]::new)), expected.get(i));
            assertFalse(Files.exists(parent), bad.get(i) + " left " + parent + " behind");
        }
        var notAModel = CliRunner.run("train", "--data", data.toString(), "--task", "multiclass", "--label-column", "topic",
                "--model", tmp.resolve("notamodel").toString(), "--out", out.toString());
        assertOneLineError(notAModel, "does not exist");
        var fileAsModel = CliRunner.run("train", "--data", data.toString(), "--task", "multiclass", "--label-column",
                "topic", "--model", csvModel.toString(), "--out", out.toString());
        assertOneLineError(fileAsModel, "is a file, not a model directory");
        assertFalse(Files.exists(parent));

        var fixed = train(out);
        assertEquals(0, fixed.exitCode(), fixed.err() + fixed.out());
        assertTrue(Files.exists(out.resolve("model.safetensors")));
        assertTrue(fixed.out().matches("(?s).*model saved to .* \\(\\d+ MB on disk\\).*"), fixed.out());
        try (var s = Files.list(parent)) {
            assertEquals(List.of(out), s.toList(), "only the finished run, no working folder");
        }
        try (var s = Files.walk(out.resolve("checkpoints"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().equals("optimizer.safetensors")),
                    "a finished run keeps no optimizer state");
        }
    }

    @Test
    void resumeBeforeTheFirstCheckpointStartsFromStepZero() throws Exception {
        Path out = tmp.resolve("requeued/run");
        // A job preempted after its run folder was made but before its first checkpoint.
        Path work = out.resolveSibling(".run.partial");
        Files.createDirectories(work.resolve("checkpoints"));
        Files.writeString(work.resolve("metrics.jsonl"), "{\"type\":\"train\",\"step\":999}\n");
        var again = train(out);
        assertOneLineError(again, "--resume");
        var resumed = train(out, "--resume");
        assertEquals(0, resumed.exitCode(), resumed.err() + resumed.out());
        assertTrue(resumed.out().contains("no checkpoint of " + out + " yet; training starts from step 0"), resumed.out());
        assertTrue(Files.exists(out.resolve("model.safetensors")));
        assertFalse(Files.exists(work));
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            assertTrue(Json.MAPPER.readTree(line).get("step").asLong() < 999, "the log starts afresh: " + line);
        }

        // Requeued once more after it finished: nothing to do, and the run is left as it is.
        byte[] weights = Files.readAllBytes(out.resolve("model.safetensors"));
        var finished = train(out, "--resume");
        assertEquals(0, finished.exitCode(), finished.err());
        assertTrue(finished.out().contains("nothing to resume"), finished.out());
        assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(out.resolve("model.safetensors"))));

        var never = train(tmp.resolve("fresh-resume/run"), "--resume");
        assertEquals(0, never.exitCode(), never.err());
        assertTrue(never.out().contains("training starts from step 0"), never.out());
    }

    @Test
    void overwriteReplacesTheOldRunOnlyWhenTheNewOneHasFinished() throws Exception {
        Path out = tmp.resolve("overwrite/run");
        assertEquals(0, train(out).exitCode());
        Files.writeString(out.resolve("note.txt"), "old run");
        var rejected = train(out, "--overwrite", "--lr", "0");
        assertOneLineError(rejected, "--lr");
        assertEquals("old run", Files.readString(out.resolve("note.txt")), "a rejected --overwrite keeps the old run");
        var replaced = train(out, "--overwrite");
        assertEquals(0, replaced.exitCode(), replaced.err());
        assertFalse(Files.exists(out.resolve("note.txt")));
        assertTrue(Files.exists(out.resolve("model.safetensors")));
    }
}
