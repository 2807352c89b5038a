package dev.headwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.io.Json;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.Tensors;
import dev.headwise.testing.TinyConfig;
import org.bytedeco.pytorch.Device;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train --nproc-per-node 2} on localhost, 2 processes x 1 thread, against one process at the doubled
 * batch: the same per-step losses, evaluations and final weights within fp32 rounding (dropout 0, sizes that
 * divide evenly), with gradient accumulation, clipping and length grouping. A worker killed by SIGKILL
 * stops the run within a bounded time with one line naming it and the last good checkpoint, and
 * {@code --resume} then ends with the uninterrupted run's weights.
 */
class DistributedTrainingTest {
    private static final long RUN_MINUTES = 6; // generous for a loaded 2-core machine, still bounded

    @TempDir
    static Path tmp;
    static Path data;
    static Path config;
    static Path single;
    static Path pair;
    static String pairLog;

    @BeforeAll
    static void referenceRuns() throws Exception {
        config = TinyConfig.write(tmp.resolve("tiny"));
        var rnd = new SplittableRandom(5);
        var words = List.of(List.of("alpha", "beta"), List.of("gamma", "delta"), List.of("epsilon", "zeta"));
        var sb = new StringBuilder("text,label\n");
        for (int i = 0; i < 200; i++) {
            var w = words.get(i % 3);
            sb.append(w.get(rnd.nextInt(2))).append(' ').append(w.get(rnd.nextInt(2)));
            for (int k = rnd.nextInt(8); k > 0; k--) sb.append(" filler");
            sb.append(",c").append(i % 3).append('\n');
        }
        data = tmp.resolve("data.csv");
        Files.writeString(data, sb);
        single = tmp.resolve("single");
        run(single, train(single, 8, "--threads", "1"));
        pair = tmp.resolve("pair");
        // --resume before the first checkpoint: starts at step 0 and says so, for N processes too.
        pairLog = run(pair, train(pair, 4, "--nproc-per-node", "2", "--resume"));
    }

    /** 160 train rows, global batch 8: 20 batches an epoch, 2 accumulated per step, 20 steps. */
    private static String[] train(Path out, int batch, String... extra) {
        var args = new ArrayList<>(List.of("train", "--data", data.toString(), "--task", "multiclass",
                "--model", config.toString(), "--from-scratch", "--epochs", "2", "--batch-size", Integer.toString(batch),
                "--grad-accum", "2", "--max-grad-norm", "0.5", "--group-by-length", "--lr", "5e-2",
                "--eval-split", "0.2", "--eval-every", "5", "--save-every", "2", "--max-length", "16",
                "--log-every", "1", "--seed", "7", "--dist-timeout", "120", "--out", out.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static String run(Path out, String... args) throws Exception {
        Path log = tmp.resolve(out.getFileName() + "-" + System.nanoTime() + ".log");
        Process p = ChildJvm.start(log, "512m", args);
        assertTrue(p.waitFor(RUN_MINUTES, TimeUnit.MINUTES), "finished in time");
        String text = Files.readString(log);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    private static float[] weights(Path model) {
        return Tensors.toFloats(ModelFiles.load(model, new Device("cpu")).parameters().flat());
    }

    private static List<JsonNode> records(Path run) throws Exception {
        var out = new ArrayList<JsonNode>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) out.add(Json.MAPPER.readTree(line));
        return out;
    }

    @Test
    void twoProcessesAtBatchBEqualOneAtBatchTwoB() throws Exception {
        assertTrue(pairLog.contains("--resume: no checkpoint of " + pair + " yet; training starts from step 0."), pairLog);
        assertTrue(pairLog.contains("2 processes (2 on this machine), --batch-size 4 each: 8 examples per step"), pairLog);
        List<JsonNode> a = records(single);
        List<JsonNode> b = records(pair);
        assertEquals(a.size(), b.size());
        int trainRecords = 0;
        for (int i = 0; i < a.size(); i++) {
            JsonNode x = a.get(i), y = b.get(i);
            assertEquals(x.get("type"), y.get("type"));
            assertEquals(x.get("step"), y.get("step"));
            if (x.get("type").asText().equals("train")) {
                trainRecords++;
                assertClose(x.get("loss").asDouble(), y.get("loss").asDouble(), "loss at step " + x.get("step"));
                assertClose(x.get("grad_norm").asDouble(), y.get("grad_norm").asDouble(), "grad norm at step " + x.get("step"));
                assertTrue(y.get("allreduce_s").asDouble() > 0, "the all-reduce time is logged");
            } else {
                assertEquals(x.get("accuracy"), y.get("accuracy"), "accuracy at step " + x.get("step"));
                assertEquals(x.get("macro_f1"), y.get("macro_f1"));
                assertClose(x.get("eval_loss").asDouble(), y.get("eval_loss").asDouble(), "eval loss");
            }
        }
        assertEquals(20, trainRecords);
        var m1 = ModelFiles.load(single, new Device("cpu")).parameters().named();
        var m2 = ModelFiles.load(pair, new Device("cpu")).parameters().named();
        double maxDiff = 0;
        for (String name : m1.keySet()) {
            // The key bias shifts every attention score of a query alike, so softmax ignores it: its gradient is
            // zero but for rounding, and AdamW turns that noise into full-size steps that no two sums share.
            if (name.endsWith("attention.k_lin.bias")) continue;
            float[] w1 = Tensors.toFloats(m1.get(name));
            float[] w2 = Tensors.toFloats(m2.get(name));
            for (int i = 0; i < w1.length; i++) maxDiff = Math.max(maxDiff, Math.abs(w1[i] - w2[i]));
        }
        // AdamW divides each gradient by its running RMS, so the sums' rounding (their order differs between one
        // process and two, and with how the CPU's BLAS blocks each product) reaches the weights a little more each
        // step. The bound is a five-hundredth of one step at --lr 5e-2; a wrong share of the data moves weights by
        // whole steps.
        assertTrue(maxDiff < 1e-4, "final weights within accumulated fp32 rounding, max difference " + maxDiff);
        var losses = a.stream().filter(r -> r.get("type").asText().equals("train")).mapToDouble(r -> r.get("loss").asDouble()).toArray();
        // The curve moves by far more than the tolerance, so equal curves say something.
        assertTrue(Arrays.stream(losses).max().orElseThrow() - Arrays.stream(losses).min().orElseThrow() > 1e-2,
                Arrays.toString(losses));
    }

    private static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 1e-5 * Math.max(1, Math.abs(expected)),
                what + ": " + expected + " against " + actual);
    }

    @Test
    void aKilledWorkerStopsTheRunCleanlyAndResumeEndsWithTheUninterruptedWeights() throws Exception {
        Path out = tmp.resolve("killed");
        Path partial = tmp.resolve(".killed.partial/checkpoints");
        Path log = tmp.resolve("killed.log");
        Process supervisor = ChildJvm.start(log, "512m", train(out, 4, "--nproc-per-node", "2"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(RUN_MINUTES);
        while (supervisor.isAlive() && System.nanoTime() < deadline && latest(partial).orElse(-1L) < 4) Thread.sleep(20);
        ProcessHandle rank1 = supervisor.children().filter(c -> rankOf(c) == 1).findFirst().orElseThrow();
        assertTrue(rank1.destroyForcibly(), "SIGKILL sent");
        long killedAt = System.nanoTime();
        assertTrue(supervisor.waitFor(RUN_MINUTES, TimeUnit.MINUTES), "no hang");
        String text = Files.readString(log);
        assertNotEquals(0, supervisor.exitValue(), text);
        System.out.printf("the run stopped %.1f s after the kill%n", (System.nanoTime() - killedAt) / 1e9);
        List<String> errors = text.lines().filter(l -> l.startsWith("headwise:")).toList();
        assertEquals(1, errors.size(), text);
        long last = latest(partial).orElseThrow();
        assertTrue(errors.getFirst().matches("headwise: rank 1 \\(pid \\d+\\) was killed by signal 9; .*the last good"
                + " checkpoint is .*checkpoint-" + last + " .*"), errors.getFirst());
        try (var s = Files.list(partial)) {
            // Only complete checkpoints: each one loads, and no temporary write is left behind.
            for (Path c : s.toList()) {
                assertTrue(c.getFileName().toString().matches("checkpoint-\\d+"), "left behind: " + c);
                ModelFiles.load(c, new Device("cpu"));
            }
        }
        // Another global batch would give the data position another meaning: refused, the checkpoint untouched.
        Path refusedLog = tmp.resolve("refused.log");
        Process refused = ChildJvm.start(refusedLog, "512m", train(out, 4, "--threads", "1", "--resume"));
        assertTrue(refused.waitFor(RUN_MINUTES, TimeUnit.MINUTES));
        String refusal = Files.readString(refusedLog);
        assertEquals(1, refused.exitValue(), refusal);
        assertTrue(refusal.contains("was written by 2 processes at a global batch of 8 (--batch-size 4); resuming"
                + " with 1 at --batch-size 4 (global batch 4) would change the data order"), refusal);
        assertEquals(Optional.of(last), latest(partial));

        String resumed = run(out, train(out, 4, "--nproc-per-node", "2", "--resume"));
        assertTrue(resumed.contains("resumed from"), resumed);
        assertArrayEquals(weights(pair), weights(out), "resumed weights equal the uninterrupted run's");
    }

    @Test
    void aRejectedOptionIsOneLineFromOneRankAndLeavesNothing() throws Exception {
        Path out = tmp.resolve("rejected");
        Path log = tmp.resolve("rejected.log");
        Process p = ChildJvm.start(log, "512m", train(out, 4, "--nproc-per-node", "2", "--metric", "no_such_metric"));
        assertTrue(p.waitFor(RUN_MINUTES, TimeUnit.MINUTES));
        String text = Files.readString(log);
        assertEquals(1, p.exitValue(), text);
        List<String> errors = text.lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING")).toList();
        assertEquals(1, errors.size(), text);
        assertTrue(errors.getFirst().startsWith("headwise: ") && errors.getFirst().contains("no_such_metric")
                && !errors.getFirst().contains("rank"), text);
        assertFalse(Files.exists(out) || Files.exists(tmp.resolve(".rejected.partial")), "nothing written");
    }

    private static Optional<Long> latest(Path checkpoints) throws Exception {
        if (!Files.isDirectory(checkpoints)) return Optional.empty();
        try (var s = Files.list(checkpoints)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("checkpoint-\\d+"))
                    .map(n -> Long.parseLong(n.substring(11))).max(Long::compare);
        }
    }

    /** A worker's RANK, from its environment (Linux). */
    private static int rankOf(ProcessHandle p) {
        try {
            for (String kv : Files.readString(Path.of("/proc/" + p.pid() + "/environ")).split("\0")) {
                if (kv.startsWith("RANK=")) return Integer.parseInt(kv.substring(5));
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
