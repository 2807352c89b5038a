package dev.headwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import dev.headwise.io.Json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multi-label checkpoints are compared by the metric after tuning the thresholds on the eval split, the
 * way the saved model decides: with rare labels, F1 at 0.5 is 0 for an undertrained model and would pick the
 * first checkpoint.
 */
class MultiLabelSelectionTest {

    @TempDir
    Path tmp;

    @Test
    void checkpointsAreComparedWithTunedThresholdsAndRareLabelsFallBackToTheGlobalOne() throws Exception {
        Path config = dev.headwise.testing.TinyConfig.write(tmp.resolve("tiny"));
        List<String> words = List.of("apple", "river", "engine", "violin", "tiger", "castle", "rocket", "desert");
        var rnd = new SplittableRandom(7);
        var sb = new StringBuilder("text");
        for (int l = 0; l < 8; l++) sb.append(",label_").append(words.get(l));
        sb.append('\n');
        for (int i = 0; i < 200; i++) {
            var text = new ArrayList<String>(List.of("note", "about", "things"));
            var flags = new StringBuilder();
            for (int l = 0; l < 8; l++) {
                // The last label is rare: too few eval positives for a threshold of its own.
                boolean on = l == 7 ? i % 60 == 0 : rnd.nextInt(4) == 0;
                if (on) text.add(words.get(l));
                flags.append(',').append(on ? 1 : 0);
            }
            java.util.Collections.shuffle(text, new java.util.Random(i));
            sb.append(String.join(" ", text)).append(flags).append('\n');
        }
        Path data = Files.writeString(tmp.resolve("tags.csv"), sb);
        Path out = tmp.resolve("run");
        var r = CliRunner.run("train", "--data", data.toString(), "--task", "multilabel", "--label-columns", "label_*",
                "--model", config.toString(), "--from-scratch", "--epochs", "3", "--batch-size", "16", "--lr", "1e-3",
                "--max-length", "12", "--eval-split", "0.25", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertTrue(r.out().contains("use the global threshold: label_desert"), r.out());

        var evals = new ArrayList<JsonNode>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = Json.MAPPER.readTree(line);
            if (n.get("type").asText().equals("eval")) evals.add(n);
        }
        assertEquals(3, evals.size());
        for (JsonNode e : evals) {
            assertTrue(e.get("micro_f1").asDouble() > 0.3, "tuned thresholds find the positives: " + e);
            assertTrue(e.has("roc_auc"), e.toString());
        }
        JsonNode saved = Json.MAPPER.readTree(out.resolve("eval_metrics.json").toFile());
        double best = evals.stream().mapToDouble(e -> e.get("micro_f1").asDouble()).max().orElseThrow();
        assertEquals(best, saved.get("micro_f1").asDouble(), 1e-9, "the model kept is the best one, scored as it was selected");
        JsonNode thresholds = Json.MAPPER.readTree(out.resolve("config.json").toFile()).path("headwise").path("thresholds");
        assertEquals(thresholds.get("global").asDouble(), thresholds.get("per_label").get(7).asDouble(), 0);
    }
}
