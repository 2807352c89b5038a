package dev.headwise.cli;

import dev.headwise.model.ModelFiles;
import dev.headwise.weights.onnx.BundledModels;
import org.bytedeco.pytorch.Device;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real child processes killed with SIGKILL at random moments (checkpoints are written every two steps, so
 * some kills land mid-write) always leave a loadable checkpoint, and {@code --resume} ends with the same
 * weights as an uninterrupted run. Ctrl-C (SIGINT) stops at a step boundary with a checkpoint.
 */
class KillAndResumeTest {
    @TempDir
    static Path tmp;
    static Path data;
    static Path config;

    @BeforeAll
    static void files() throws Exception {
        config = tmp.resolve("tiny/config.json");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                {"model_type": "distilbert", "vocab_size": 30522, "dim": 32, "n_layers": 2, "n_heads": 2,
                 "hidden_dim": 64, "max_position_embeddings": 64}""");
        BundledModels.ALL_MINILM_L6_V2.copyTokenizerTo(config.resolveSibling("tokenizer.json"));
        var rnd = new SplittableRandom(3);
        var words = List.of("alpha beta", "gamma delta", "epsilon zeta");
        var sb = new StringBuilder("text,label\n");
        for (int i = 0; i < 300; i++) {
            var ws = words.get(i % 3).split(" ");
            sb.append(ws[rnd.nextInt(2)]).append(' ').append(ws[rnd.nextInt(2)]).append(" filler,").append("c").append(i % 3).append('\n');
        }
        data = tmp.resolve("data.csv");
        Files.writeString(data, sb);
    }

    private static String[] train(Path out, String... extra) {
        var args = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--task", "multiclass",
                "--model", config.toString(), "--from-scratch", "--epochs", "3", "--batch-size", "8", "--lr", "1e-3",
                "--max-length", "16", "--save-every", "2", "--keep-last", "2", "--log-every", "1", "--threads", "1",
                "--seed", "11", "--out", out.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** Runs a child to the end and checks that it succeeded. */
    private static void run(Path out, String... args) throws Exception {
        Path log = out.resolveSibling(out.getFileName() + ".log");
        Process p = ChildJvm.start(log, "512m", args);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child finished");
        assertEquals(0, p.exitValue(), Files.readString(log));
    }

    /** The newest checkpoint of the unfinished run that will become {@code out}. */
    private static Optional<Path> latestCheckpoint(Path out) throws Exception {
        Path dir = out.resolveSibling("." + out.getFileName() + ".partial").resolve("checkpoints");
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("checkpoint-\\d+"))
                    .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(11))));
        }
    }

    @Test
    void sigkillAtRandomMomentsThenResumeGivesTheUninterruptedWeights() throws Exception {
        Path reference = tmp.resolve("reference");
        run(reference, train(reference));
        byte[] expected = Files.readAllBytes(reference.resolve("model.safetensors"));

        Path out = tmp.resolve("killed");
        var rnd = new SplittableRandom(42);
        int kills = 0;
        boolean first = true;
        for (int attempt = 0; attempt < 6 && kills < 3; attempt++) {
            String[] args = first ? train(out) : train(out, "--resume");
            Process p = ChildJvm.start(tmp.resolve("killed-" + attempt + ".log"), "512m", args);
            // Wait for a checkpoint newer than the one we resumed from, then kill at a random moment after it.
            long before = latestCheckpoint(out).map(c -> Long.parseLong(c.getFileName().toString().substring(11))).orElse(-1L);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (p.isAlive() && System.nanoTime() < deadline && latestCheckpoint(out)
                    .map(c -> Long.parseLong(c.getFileName().toString().substring(11))).orElse(-1L) <= before) {
                Thread.sleep(20);
            }
            Thread.sleep(rnd.nextInt(400));
            if (!p.isAlive()) break; // finished before we could kill it
            p.destroyForcibly().waitFor();
            kills++;
            System.out.printf("SIGKILL %d at checkpoint %s%n", kills, latestCheckpoint(out).map(Path::getFileName).orElse(null));
            first = false;
            Path checkpoint = latestCheckpoint(out).orElseThrow();
            ModelFiles.load(checkpoint, new Device("cpu")); // loadable after every kill
        }
        assertTrue(kills >= 2, "killed " + kills + " times");
        run(out, train(out, "--resume"));
        assertArrayEquals(expected, Files.readAllBytes(out.resolve("model.safetensors")),
                "resumed weights equal the uninterrupted run's");
    }

    @Test
    void sigintStopsAtAStepBoundaryWithACheckpoint() throws Exception {
        Path out = tmp.resolve("interrupted");
        Process p = ChildJvm.start(tmp.resolve("interrupted.log"), "512m", train(out));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (p.isAlive() && latestCheckpoint(out).isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        String log = Files.readString(tmp.resolve("interrupted.log"));
        assertEquals(130, p.exitValue(), log);
        assertTrue(log.contains("stopped at step"), log);
        ModelFiles.load(latestCheckpoint(out).orElseThrow(), new Device("cpu"));
        run(out, train(out, "--resume"));
        assertTrue(Files.exists(out.resolve("model.safetensors")));
        String resumed = Files.readString(tmp.resolve("interrupted.log"));
        assertTrue(resumed.matches("(?s).*trained \\d+ steps \\(\\d+ in all\\).*"), "counts this process's steps: " + resumed);
    }
}
