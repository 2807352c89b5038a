package dev.headwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.Task;
import dev.headwise.infer.Classifier;
import dev.headwise.io.Json;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.Heads;
import dev.headwise.model.HeadwiseConfig;
import dev.headwise.model.ModelConfig;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.Tensors;
import dev.headwise.model.TextClassifier;
import dev.headwise.tokenize.TokenizerFiles;
import dev.headwise.tokenize.Truncation;
import dev.headwise.weights.onnx.BundledModels;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code export --level}, and {@code evaluate} and {@code train} from a classifier headwise did not train. */
class HfClassifierCommandsTest {
    private static final Device CPU = new Device("cpu");

    @TempDir
    Path tmp;

    private Path save(Heads heads, String name) throws IOException {
        return save(heads, name, 64);
    }

    /** A classifier as HF saves one, with no headwise block, reading at most {@code positions} tokens. */
    private Path save(Heads heads, String name, int positions) throws IOException {
        torch.manual_seed(21);
        var shape = ModelConfig.distilbertBase().withSize(30522, 16, 1, 2, 32, positions);
        Path dir = tmp.resolve(name);
        ModelFiles.save(TextClassifier.create(new ClassifierConfig(shape, heads), CPU), dir);
        try (var in = BundledModels.ALL_MINILM_L6_V2.openTokenizer()) {
            TokenizerFiles.of(in.readAllBytes(), "bundled").writeTo(dir, positions);
        }
        return dir;
    }

    /**
     * A model that records no truncation, allowing more than the default, is cut alike by predict, evaluate and
     * {@link Classifier}: at {@link HeadwiseConfig#DEFAULT_MAX_LENGTH} tokens.
     */
    @Test
    void predictAndEvaluateCutAModelWithoutTruncationAlike() throws IOException {
        Path model = save(Heads.single(Task.MULTICLASS, List.of("red", "green")), "long", 1024);
        Path data = Files.writeString(tmp.resolve("l.csv"), "text,label\nred sky,red\ngreen grass,green\n");
        String cut = "of up to " + HeadwiseConfig.DEFAULT_MAX_LENGTH + " tokens";
        var evaluate = CliRunner.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--task", "multiclass",
                "--windows");
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        assertTrue(evaluate.out().contains(cut), evaluate.out());
        var predict = CliRunner.run("predict", "--model", model.toString(), "--windows", "red sky");
        assertEquals(0, predict.exitCode(), predict.err());
        assertTrue(predict.out().contains(cut), predict.out());
        try (var classifier = Classifier.load(model)) {
            assertEquals(Truncation.head(HeadwiseConfig.DEFAULT_MAX_LENGTH), classifier.truncation());
        }
    }

    @Test
    void levelExportIsThatLevelsSliceOfTheLogits() throws IOException {
        Heads heads = new Heads(Task.HIERARCHICAL, List.of(new Heads.Level("level1", List.of("ham", "spam")),
                new Heads.Level("level2", List.of("easy", "hard", "spam"))));
        Path model = save(heads, "hier");
        JsonNode levels = Json.MAPPER.readTree(model.resolve("config.json").toFile()).get("headwise").get("levels");
        assertEquals("[2,5]", levels.get(1).get("logits").toString(), "level2's logit range");

        Path out = tmp.resolve("level2");
        var r = CliRunner.run("export", "--model", model.toString(), "--level", "level2", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode config = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("single_label_classification", config.get("problem_type").asText());
        assertEquals("hard", config.get("id2label").get("1").asText());
        assertEquals(64, Json.MAPPER.readTree(out.resolve("tokenizer_config.json").toFile()).get("model_max_length").asInt());

        TextClassifier whole = ModelFiles.load(model, CPU), one = ModelFiles.load(out, CPU);
        try (var scope = new PointerScope(); var noGrad = new NoGradGuard()) {
            Tensor ids = Tensors.longs(new long[]{101, 7592, 2088, 102}, 1, 4);
            Tensor mask = Tensors.longs(new long[]{1, 1, 1, 1}, 1, 4);
            float[] all = Tensors.toFloats(whole.logits(ids, mask, null, false));
            assertArrayEquals(java.util.Arrays.copyOfRange(all, 2, 5), Tensors.toFloats(one.logits(ids, mask, null, false)));
        }

        var bad = CliRunner.run("export", "--model", model.toString(), "--level", "level3", "--out", tmp.resolve("x").toString());
        assertEquals(1, bad.exitCode());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertTrue(bad.err().contains("level1, level2"), bad.err());
        assertTrue(!Files.exists(tmp.resolve("x")), "a rejected export leaves no folder");

        Path flat = save(Heads.single(Task.MULTICLASS, List.of("ham", "spam")), "flat");
        var notHierarchical = CliRunner.run("export", "--model", flat.toString(), "--level", "labels", "--out",
                tmp.resolve("y").toString());
        assertEquals(1, notHierarchical.exitCode());
        assertTrue(notHierarchical.err().contains("only a hierarchical model"), notHierarchical.err());
        assertTrue(!Files.exists(tmp.resolve("y")));
    }

    @Test
    void hfClassifierIsEvaluatedByLabelName() throws IOException {
        Path model = save(Heads.single(Task.MULTICLASS, List.of("red", "green", "blue")), "colours");
        Path data = Files.writeString(tmp.resolve("d.csv"), "text,colour\nred sky,red\ngreen grass,green\nsea,blue\n");
        var noTask = CliRunner.run("evaluate", "--model", model.toString(), "--data", data.toString());
        assertEquals(1, noTask.exitCode());
        assertTrue(noTask.err().contains("--task"), noTask.err());

        Path json = tmp.resolve("m.json");
        var ok = CliRunner.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--task", "multiclass",
                "--label-column", "colour", "--json", json.toString());
        assertEquals(0, ok.exitCode(), ok.err());
        assertEquals(3, Json.MAPPER.readTree(json.toFile()).get("confusion_matrix").size(), "the model's three labels");

        Path other = Files.writeString(tmp.resolve("o.csv"), "text,colour\nred sky,crimson\ngreen grass,green\n");
        var mismatch = CliRunner.run("evaluate", "--model", model.toString(), "--data", other.toString(), "--task", "multiclass",
                "--label-column", "colour");
        assertEquals(1, mismatch.exitCode());
        assertEquals(1, mismatch.err().strip().lines().count(), mismatch.err());
        assertTrue(mismatch.err().contains("crimson") && mismatch.err().contains("[red, green, blue]"), mismatch.err());
    }

    @Test
    void fineTuningFromAClassifierNamesNewAndDroppedLabels() throws IOException {
        Path model = save(Heads.single(Task.MULTICLASS, List.of("red", "green", "blue")), "colours");
        var sb = new StringBuilder("text,label\n");
        for (int i = 0; i < 12; i++) sb.append("text ").append(i).append(',').append(List.of("red", "purple", "green").get(i % 3)).append('\n');
        Path data = Files.writeString(tmp.resolve("t.csv"), sb);
        Path out = tmp.resolve("run");
        var r = CliRunner.run("train", "--model", model.toString(), "--data", data.toString(), "--task", "multiclass",
                "--max-steps", "1", "--eval-split", "0.25", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("labels new to the checkpoint (fresh classifier rows): purple"), r.out());
        assertTrue(r.out().contains("labels of the checkpoint not in the data (rows dropped): blue"), r.out());
        assertTrue(r.out().contains("in a new order"), "green moves from row 1 to row 0: " + r.out());
    }

    /** A directory with vocab.txt and tokenizer_config.json instead of tokenizer.json, cased: every command reads it. */
    @Test
    void vocabOnlyDirectoryWorksForEveryCommand() throws IOException {
        Path model = save(Heads.single(Task.MULTICLASS, List.of("red", "green", "blue")), "vocab-only");
        JsonNode vocab = Json.MAPPER.readTree(model.resolve("tokenizer.json").toFile()).get("model").get("vocab");
        String[] tokens = new String[vocab.size()];
        vocab.properties().forEach(e -> tokens[e.getValue().intValue()] = e.getKey());
        Files.write(model.resolve("vocab.txt"), List.of(tokens));
        Files.delete(model.resolve("tokenizer.json"));
        Files.writeString(model.resolve("tokenizer_config.json"), "{\"do_lower_case\": false, \"model_max_length\": 48}");
        Path data = Files.writeString(tmp.resolve("v.csv"), "text,label\nRed sky,red\nGreen grass,green\nBlue sea,blue\n"
                + "red sky,red\ngreen grass,green\nblue sea,blue\n");

        var predict = CliRunner.run("predict", "--model", model.toString(), "Red sky");
        assertEquals(0, predict.exitCode(), predict.err());
        var evaluate = CliRunner.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--task", "multiclass");
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        var encode = CliRunner.run("encode", "--model", model.toString(), "Red sky");
        assertEquals(0, encode.exitCode(), encode.err());
        Path out = tmp.resolve("vocab-run");
        var train = CliRunner.run("train", "--model", model.toString(), "--data", data.toString(), "--task", "multiclass",
                "--max-steps", "1", "--eval-split", "0.5", "--out", out.toString());
        assertEquals(0, train.exitCode(), train.err());
        JsonNode config = Json.MAPPER.readTree(out.resolve("tokenizer_config.json").toFile());
        assertTrue(!config.get("do_lower_case").asBoolean(), config.toString());
        assertEquals(48, config.get("model_max_length").asInt(), "--max-length 128 capped at the source's model_max_length");
        assertEquals(48, Json.MAPPER.readTree(out.resolve("config.json").toFile()).get("headwise").get("max_length").asInt());
        try (var cased = dev.headwise.tokenize.Tokenizers.load(out); var source = dev.headwise.tokenize.Tokenizers.load(model)) {
            assertArrayEquals(source.encode("Red Sky", 16).ids(), cased.encode("Red Sky", 16).ids());
            assertTrue(!java.util.Arrays.equals(cased.encode("Red Sky", 16).ids(), cased.encode("red sky", 16).ids()),
                    "the cased vocabulary tells Red from red");
        }

        Files.delete(model.resolve("vocab.txt"));
        Path none = tmp.resolve("no-tokenizer-run");
        var refused = CliRunner.run("train", "--model", model.toString(), "--data", data.toString(), "--task", "multiclass",
                "--max-steps", "1", "--out", none.toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("neither a tokenizer.json nor a vocab.txt"), refused.err());
        assertTrue(!Files.exists(none), "a model without tokenizer leaves no --out folder");
    }
}
