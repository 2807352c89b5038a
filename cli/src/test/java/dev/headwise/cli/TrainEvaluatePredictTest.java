package dev.headwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.io.Json;
import dev.headwise.weights.onnx.BundledModels;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI end to end: tiny from-scratch models on generated multi-label and hierarchical CSVs. */
class TrainEvaluatePredictTest {

    @TempDir
    static Path tmp;
    static Path config;

    @BeforeAll
    static void tinyModelConfig() throws IOException {
        config = tmp.resolve("tiny/config.json");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                {"model_type": "distilbert", "vocab_size": 30522, "dim": 32, "n_layers": 1, "n_heads": 2,
                 "hidden_dim": 64, "max_position_embeddings": 64, "dropout": 0.0, "attention_dropout": 0.0,
                 "seq_classif_dropout": 0.0}""");
        BundledModels.ALL_MINILM_L6_V2.copyTokenizerTo(config.resolveSibling("tokenizer.json"));
    }

    /** Emails with two boolean label columns, subject and body columns, and awkward CSV quoting. */
    static Path multiLabelCsv() throws IOException {
        var rnd = new SplittableRandom(5);
        var sb = new StringBuilder("subject,body,label_urgent,label_money\n");
        for (int i = 0; i < 160; i++) {
            boolean urgent = rnd.nextBoolean();
            boolean money = rnd.nextInt(10) < 4;
            var words = new ArrayList<>(List.of("hello", "meeting", "notes", "team"));
            if (urgent) words.addAll(List.of("urgent", "asap", "immediately"));
            if (money) words.addAll(List.of("invoice", "payment", "dollars"));
            var body = new StringBuilder();
            for (int w = 0; w < 8; w++) body.append(w == 4 ? ", \"quoted\"\n" : " ").append(words.get(rnd.nextInt(words.size())));
            sb.append("\"re: item ").append(i).append("\",\"").append(body.toString().replace("\"", "\"\"")).append("\",")
                    .append(urgent ? 1 : 0).append(',').append(money ? "true" : "false").append('\n');
        }
        Path f = tmp.resolve("emails.csv");
        Files.writeString(f, sb, StandardCharsets.UTF_8);
        return f;
    }

    /** 20-Newsgroups-like dotted labels, some only two levels deep. */
    static Path hierarchicalCsv() throws IOException {
        var paths = List.of("comp.sys.mac", "comp.sys.ibm", "comp.graphics", "rec.sport.hockey", "rec.autos");
        var words = List.of("apple powerbook", "ibm pc bios", "render polygons", "hockey puck goalie", "car engine tires");
        var rnd = new SplittableRandom(9);
        var sb = new StringBuilder("text,category\n");
        for (int i = 0; i < 200; i++) {
            int c = i % paths.size();
            var ws = words.get(c).split(" ");
            var text = new StringBuilder();
            for (int w = 0; w < 6; w++) text.append(ws[rnd.nextInt(ws.length)]).append(' ');
            sb.append(text.toString().strip()).append(',').append(paths.get(c)).append('\n');
        }
        Path f = tmp.resolve("news.csv");
        Files.writeString(f, sb);
        return f;
    }

    @Test
    void multiLabelFromConfigFileThenPredictFile() throws Exception {
        Path data = multiLabelCsv();
        Path yaml = tmp.resolve("train.yaml");
        Files.writeString(yaml, """
                task: multilabel
                text-column: [subject, body]
                label-columns: ["label_*"]
                epochs: 12
                batch-size: 16
                lr: 0.003
                max-length: 32
                """);
        Path out = tmp.resolve("ml-run");
        var r = CliRunner.run("train", "--config", yaml.toString(), "--data", data.toString(), "--model", config.toString(),
                "--from-scratch", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        JsonNode metrics = Json.MAPPER.readTree(out.resolve("eval_metrics.json").toFile());
        for (String key : List.of("micro_f1", "macro_f1", "subset_accuracy", "hamming_loss", "roc_auc", "per_class")) {
            assertTrue(metrics.has(key), key + " in " + metrics);
        }
        assertTrue(metrics.get("micro_f1").asDouble() > 0.8, metrics.toString());
        JsonNode saved = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("multi_label_classification", saved.get("problem_type").asText());
        assertTrue(saved.path("headwise").has("thresholds"), "tuned thresholds are saved with the model");

        Path predictions = tmp.resolve("predictions.jsonl");
        var p = CliRunner.run("predict", "--model", out.toString(), "--input", data.toString(), "--output", predictions.toString());
        assertEquals(0, p.exitCode(), p.err());
        List<String> lines = Files.readAllLines(predictions);
        assertEquals(160, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals("re: item " + i, Json.MAPPER.readTree(lines.get(i)).get("subject").asText(), "row order kept");
        }
    }

    @Test
    void hierarchicalTrainEvaluatePredict() throws Exception {
        Path data = hierarchicalCsv();
        Path out = tmp.resolve("hier-run");
        var r = CliRunner.run("train", "--data", data.toString(), "--text-column", "text", "--task", "hierarchical",
                "--label-column", "category", "--levels", "3", "--model", config.toString(), "--from-scratch",
                "--epochs", "30", "--batch-size", "16", "--lr", "5e-3", "--max-length", "16", "--eval-split", "0.2",
                "--stratify", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "metrics.jsonl", "split.json",
                "eval_metrics.json", "training_curves.png")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        Path json = tmp.resolve("eval.json");
        var e = CliRunner.run("evaluate", "--model", out.toString(), "--data", data.toString(), "--json", json.toString());
        assertEquals(0, e.exitCode(), e.err());
        JsonNode m = Json.MAPPER.readTree(json.toFile());
        assertTrue(m.get("path_accuracy").asDouble() > 0.9, m.toString());
        assertTrue(m.get("level3").get("per_class").toString().contains("none"), "rec.autos has no third level");

        var p = CliRunner.run("predict", "--model", out.toString(), "hockey puck goalie puck", "apple powerbook apple");
        assertEquals(0, p.exitCode(), p.err());
        String[] lines = p.out().strip().split("\n");
        assertTrue(lines[0].contains("rec (") && lines[0].contains("hockey ("), p.out());
        assertTrue(lines[1].contains("comp (") && lines[1].contains("mac ("), p.out());
    }

    @Test
    void badInputIsOneClearLine() throws Exception {
        Path data = hierarchicalCsv();
        var missing = CliRunner.run("train", "--data", data.toString(), "--text-column", "body", "--task", "multiclass",
                "--label-column", "category", "--model", config.toString(), "--from-scratch", "--out", tmp.resolve("x").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("body") && missing.err().contains("text"), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());

        Path broken = tmp.resolve("broken.csv");
        Files.writeString(broken, "text,category\nfine,a\n\"unterminated,b\n");
        var malformed = CliRunner.run("train", "--data", broken.toString(), "--task", "multiclass", "--label-column",
                "category", "--model", config.toString(), "--from-scratch", "--out", tmp.resolve("y").toString());
        assertEquals(1, malformed.exitCode());
        assertTrue(malformed.err().contains("Line 3 of broken.csv"), malformed.err());

        Path out = tmp.resolve("exists");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "precious");
        var exists = CliRunner.run("train", "--data", data.toString(), "--task", "multiclass", "--label-column", "category",
                "--model", config.toString(), "--from-scratch", "--out", out.toString());
        assertEquals(1, exists.exitCode());
        assertTrue(exists.err().contains("--overwrite"), exists.err());
        assertEquals("precious", Files.readString(out.resolve("keep.txt")));
        CSVParser.parse(data, StandardCharsets.UTF_8, CSVFormat.DEFAULT).close();
    }
}
