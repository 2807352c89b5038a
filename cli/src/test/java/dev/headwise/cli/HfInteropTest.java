package dev.headwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.Task;
import dev.headwise.data.LabelSpace;
import dev.headwise.infer.Classifier;
import dev.headwise.infer.Inputs;
import dev.headwise.infer.LoadedModel;
import dev.headwise.infer.Prediction;
import dev.headwise.infer.SentenceVectors;
import dev.headwise.io.Json;
import dev.headwise.metrics.Thresholds;
import dev.headwise.model.Activation;
import dev.headwise.model.Architecture;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.Heads;
import dev.headwise.model.HeadwiseConfig;
import dev.headwise.model.Loss;
import dev.headwise.model.ModelConfig;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.ModelInput;
import dev.headwise.model.Tensors;
import dev.headwise.model.TextClassifier;
import dev.headwise.tokenize.Encoding;
import dev.headwise.tokenize.Padding;
import dev.headwise.tokenize.TokenizerFiles;
import dev.headwise.tokenize.Truncation;
import dev.headwise.tokenize.Windows;
import dev.headwise.train.AdamW;
import dev.headwise.train.TrainingStep;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * headwise against real HF transformers, through {@code src/test/python/hf_interop.py} run by the Python that
 * {@code HEADWISE_HF_PYTHON} names (skipped, with the reason, when it is unset or lacks transformers).
 */
class HfInteropTest {
    private static final Device CPU = new Device("cpu");
    private static final Path SCRIPT = Path.of("cli/src/test/python/hf_interop.py").toAbsolutePath();
    /** The script's vocabulary and texts: cased pairs, an accent, and a text longer than 32 tokens. */
    private static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "Hello",
            "world", "World", "##s", ",", "!", "cafe", "Café", "owners", "say", "the", "end", ".");
    private static final List<String> TEXTS = List.of("Hello world, hello!", "hello hellos World", "Café owners say hello",
            "world ".repeat(80) + "the end");

    @TempDir
    static Path tmp;
    static Path hfModels;

    /** Why the tests cannot run here, or null. */
    static String skipped;

    @BeforeAll
    static void hfModels() throws Exception {
        hfModels = tmp.resolve("hf");
        skipped = HfPython.setUp("hf_interop.py", tmp, "make", hfModels.toString());
    }

    private static void requireHf() {
        HfPython.assume(skipped);
    }

    /** docs/hf-interop.md shows the very function these tests run to reproduce headwise's decisions in Python. */
    @Test
    void theDocsShowTheTestedPythonFunction() throws IOException {
        String readme = Files.readString(Path.of("docs/hf-interop.md"));
        int section = readme.indexOf("## Using headwise models from Python");
        assertTrue(section >= 0, "docs/hf-interop.md section");
        int start = readme.indexOf("def headwise_predict", section);
        int end = readme.indexOf("```", start);
        String function = readme.substring(start, end);
        assertTrue(Files.readString(SCRIPT).contains(function), "docs/hf-interop.md's headwise_predict differs from " + SCRIPT);
    }

    /** Every task's model as HF loads it: the same logits, the same pipeline answers, no regression fine-tuning. */
    @Test
    void headwiseModelsOfEveryTaskReadTheSameInHf() throws Exception {
        requireHf();
        Path vocab = Files.createDirectories(tmp.resolve("vocab"));
        Files.write(vocab.resolve("vocab.txt"), VOCAB);
        var dirs = new ArrayList<Path>();
        for (Task task : Task.values()) dirs.add(save(task, vocab));
        Path hier = dirs.get(Task.HIERARCHICAL.ordinal());
        for (String level : List.of("level1", "level2")) {
            Path out = tmp.resolve("export-" + level);
            assertEquals(0, CliRunner.run("export", "--model", hier.toString(), "--level", level, "--out", out.toString()).exitCode());
            dirs.add(out);
        }
        JsonNode hf = read(dirs);
        double maxDiff = 0;
        for (Path dir : dirs) {
            JsonNode h = hf.get(dir.toString());
            float[][] ours = logits(dir, Truncation.head(HfChecks.MAX_LENGTH));
            Heads heads = ModelFiles.load(dir, CPU).config().heads();
            assertEquals(HfChecks.MAX_LENGTH, h.get("model_max_length").asInt(), dir.toString());
            assertNotEquals("regression", h.get("fine_tune_problem_type").asText(), dir + " fine-tunes as regression in HF");
            for (int i = 0; i < TEXTS.size(); i++) {
                JsonNode row = h.get("logits").get(i);
                float[] expected = ours[i];
                if (heads.task() == Task.BINARY) {  // HF sees the two-logit pair [0, z]
                    assertEquals(0, row.get(0).asDouble(), HfChecks.TOLERANCE);
                    expected = new float[]{0, ours[i][0]};
                }
                assertEquals(expected.length, row.size());
                for (int c = 0; c < expected.length; c++) {
                    maxDiff = Math.max(maxDiff, Math.abs(expected[c] - row.get(c).asDouble()));
                    assertEquals(expected[c], row.get(c).asDouble(), HfChecks.TOLERANCE, dir + " text " + i + " logit " + c);
                }
            }
            try (var classifier = Classifier.load(dir)) {
                List<Prediction> ps = classifier.predict(TEXTS);
                for (int i = 0; i < TEXTS.size(); i++) {
                    Prediction p = ps.get(i);
                    assertTrue(h.has("headwise_predict"), dir + ": HF keeps config.json's headwise block");
                    var decided = new ArrayList<String>();
                    h.get("headwise_predict").get(i).forEach(n -> decided.add(n.asText()));
                    assertEquals(p.labels().stream().sorted().toList(), decided.stream().sorted().toList(),
                            dir + ": the README's Python decides as headwise, text " + i);
                    boolean cutAlike = classifier.truncation().tailTokens() == 0 || !p.truncated();
                    if (heads.task() != Task.HIERARCHICAL && cutAlike) {
                        JsonNode answer = h.get("pipeline").get(i);
                        Prediction.Label top = p.levels().getFirst().ranked().getFirst();
                        assertEquals(top.name(), answer.get("label").asText(), dir + " pipeline label, text " + i);
                        assertEquals(top.probability(), answer.get("score").asDouble(), HfChecks.TOLERANCE, dir + " pipeline score");
                    }
                }
            }
        }
        System.out.printf("HF interop: %d headwise models read by HF, %d texts each, max |logit diff| %.2e%n",
                dirs.size(), TEXTS.size(), maxDiff);
    }

    /** HF models of every kind (architectures, labels, vocab-only and cased tokenizers, shards, fp16/bf16) in headwise. */
    @Test
    void hfModelsOfEveryKindReadTheSameInHeadwise() throws Exception {
        requireHf();
        double maxDiff = 0;
        int models = 0;
        try (var dirs = Files.list(hfModels)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                JsonNode expected = Json.MAPPER.readTree(dir.resolve("expected.json").toFile());
                try (LoadedModel m = LoadedModel.classifier(dir, CPU)) {
                    assertEquals(HfChecks.MAX_LENGTH, m.maxLength(), dir + ": model_max_length from tokenizer_config.json");
                    var encodings = m.tokenizer().encodeBatch(TEXTS, Truncation.head(m.maxLength()));
                    for (int i = 0; i < TEXTS.size(); i++) {
                        assertArrayEquals(HfChecks.ints(expected.get("ids").get(i)), encodings.get(i).ids(), dir + " ids of text " + i);
                    }
                }
                float[][] ours = logits(dir, Truncation.head(HfChecks.MAX_LENGTH));
                for (int i = 0; i < TEXTS.size(); i++) {
                    JsonNode row = expected.get("logits").get(i);
                    for (int c = 0; c < row.size(); c++) {
                        maxDiff = Math.max(maxDiff, Math.abs(ours[i][c] - row.get(c).asDouble()));
                        assertEquals(row.get(c).asDouble(), ours[i][c], HfChecks.TOLERANCE, dir + " text " + i + " logit " + c);
                    }
                }
                models++;
            }
        }
        System.out.printf("HF interop: %d HF models read by headwise, max |logit diff| %.2e%n", models, maxDiff);
        assertEquals(5, models);
    }

    /** A bare HF BertModel, as sentence encoders ship: the same CLS and mean sentence vectors. */
    @Test
    void hfEncoderGivesTheSameSentenceVectors() throws Exception {
        requireHf();
        Path dir = Path.of(hfModels + "-encoder");
        JsonNode expected = Json.MAPPER.readTree(dir.resolve("expected.json").toFile());
        double maxDiff = 0;
        try (LoadedModel m = LoadedModel.encoder(dir, CPU)) {
            for (SentenceVectors.Pooling pooling : SentenceVectors.Pooling.values()) {
                List<float[]> ours = SentenceVectors.embed(m, TEXTS, pooling, m.maxLength(), true);
                for (int i = 0; i < TEXTS.size(); i++) {
                    JsonNode row = expected.get(pooling.name().toLowerCase(java.util.Locale.ROOT)).get(i);
                    for (int k = 0; k < row.size(); k++) {
                        maxDiff = Math.max(maxDiff, Math.abs(ours.get(i)[k] - row.get(k).asDouble()));
                        assertEquals(row.get(k).asDouble(), ours.get(i)[k], HfChecks.TOLERANCE, pooling + " text " + i);
                    }
                }
            }
        }
        System.out.printf("HF interop: BertModel encoder, CLS and mean vectors, max |diff| %.2e%n", maxDiff);
    }

    /** An HF classifier evaluated by label name, and a vocab-only two-label one predicted and fine-tuned as binary. */
    @Test
    void hfClassifiersAreEvaluatedAndFineTunedByLabelName() throws Exception {
        requireHf();
        Path multiclass = hfModels.resolve("distilbert-multiclass");
        JsonNode expected = Json.MAPPER.readTree(multiclass.resolve("expected.json").toFile());
        List<String> gold = List.of("red", "green", "blue", "red");
        int right = 0;
        for (int i = 0; i < TEXTS.size(); i++) {
            JsonNode row = expected.get("logits").get(i);
            int best = 0;
            for (int c = 1; c < row.size(); c++) if (row.get(c).asDouble() > row.get(best).asDouble()) best = c;
            if (expected.get("labels").get(best).asText().equals(gold.get(i))) right++;
        }
        Path data = csv("colours.csv", gold);
        Path metrics = tmp.resolve("colours.json");
        var evaluated = CliRunner.run("evaluate", "--model", multiclass.toString(), "--data", data.toString(), "--task",
                "multiclass", "--label-column", "label", "--json", metrics.toString());
        assertEquals(0, evaluated.exitCode(), evaluated.err());
        assertEquals(right / 4.0, Json.MAPPER.readTree(metrics.toFile()).get("accuracy").asDouble(), 1e-9);

        var unknown = CliRunner.run("evaluate", "--model", multiclass.toString(), "--data",
                csv("purple.csv", List.of("red", "purple", "blue", "red")).toString(), "--task", "multiclass");
        assertEquals(1, unknown.exitCode());
        String message = unknown.err().strip();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("purple") && message.contains("[red, green, blue]"), message);

        Path cased = hfModels.resolve("bert-two-label-cased-vocab-only");
        Path binaryData = csv("binary.csv", List.of("POS", "NEG", "POS", "NEG"));
        var binaryEval = CliRunner.run("evaluate", "--model", cased.toString(), "--data", binaryData.toString(), "--task", "binary");
        assertEquals(0, binaryEval.exitCode(), binaryEval.err());
        JsonNode two = Json.MAPPER.readTree(cased.resolve("expected.json").toFile()).get("logits").get(0);
        double pos = 1 / (1 + Math.exp(two.get(0).asDouble() - two.get(1).asDouble()));  // HF's softmax of the pair
        String answer = pos >= 0.5 ? String.format(java.util.Locale.ROOT, "POS (%.3f)", pos)
                : String.format(java.util.Locale.ROOT, "NEG (%.3f)", 1 - pos);
        var predicted = CliRunner.run("predict", "--model", cased.toString(), "--task", "binary", TEXTS.getFirst());
        assertEquals(0, predicted.exitCode(), predicted.err());
        assertTrue(predicted.out().contains(answer), answer + " in " + predicted.out());
        Path run = tmp.resolve("binary-run");
        var log = CliRunner.run("train", "--model", cased.toString(), "--data", binaryData.toString(), "--task", "binary",
                "--max-steps", "1", "--eval-split", "0.25", "--out", run.toString());
        assertEquals(0, log.exitCode(), log.err());
        assertTrue(!log.out().contains("classifier.weight") && !log.out().contains("fresh classifier rows"),
                "both labels' rows come from the checkpoint: " + log.out());
        JsonNode tokenizerConfig = Json.MAPPER.readTree(run.resolve("tokenizer_config.json").toFile());
        assertTrue(!tokenizerConfig.get("do_lower_case").asBoolean(), "the cased vocabulary stays cased");
        assertEquals(HfChecks.MAX_LENGTH, tokenizerConfig.get("model_max_length").asInt(), "the source's model_max_length bounds training");
        assertTrue(Json.MAPPER.readTree(run.resolve("tokenizer.json").toFile()).get("padding").isNull());
    }

    /** One training comparison: an HF model read as {@code task}, its targets, and the loss HF trains it with. */
    private record StepCase(String dir, Task task, Object labels, String loss) {}

    /**
     * Five AdamW steps from the same weights (dropout 0) end where HF's loop ends: with the model's own loss for
     * multiclass and multilabel, and with what an HF user overrides compute_loss with for one-logit binary
     * (BCE) and per-level heads (a cross-entropy per level, summed).
     */
    @Test
    void fiveTrainingStepsEqualHfsLoop() throws Exception {
        requireHf();
        double[] lrs = {1e-2, 8e-3, 6e-3, 4e-3, 2e-3};
        var cases = List.of(
                new StepCase("distilbert-multiclass", Task.MULTICLASS, List.of(0, 1, 2, 0), "model"),
                new StepCase("bert-multilabel-sharded-fp16", Task.MULTILABEL,
                        List.of(List.of(1, 0, 1), List.of(0, 1, 0), List.of(1, 1, 0), List.of(0, 0, 1)), "model"),
                new StepCase("distilbert-one-logit-bf16", Task.BINARY, List.of(1, 0, 1, 0), "bce"),
                new StepCase("bert-level-names", Task.HIERARCHICAL,
                        List.of(List.of(0, 0), List.of(0, 1), List.of(1, 2), List.of(0, 0)), "levels"));
        for (StepCase c : cases) {
            Path dir = hfModels.resolve(c.dir());
            JsonNode expected = Json.MAPPER.readTree(dir.resolve("expected.json").toFile());
            var encodings = new ArrayList<Encoding>();
            expected.get("ids").forEach(ids -> encodings.add(new Encoding(HfChecks.ints(ids), new int[ids.size()])));
            TextClassifier model = ModelFiles.load(dir, CPU, c.task());
            Heads heads = model.config().heads();
            JsonNode labels = Json.MAPPER.valueToTree(c.labels());
            var ours = new ArrayList<Double>();
            try (var scope = new PointerScope()) {
                ModelInput x = Inputs.pad(encodings, Padding.right(0), CPU);
                var batch = new ModelInput(x.ids(), x.mask(), null, HfChecks.targets(c.task(), labels));
                var step = new TrainingStep(model, new Loss(heads, Loss.LossOptions.NONE),
                        new AdamW(model.parameters(), AdamW.Options.defaults(), true), 1.0);
                for (double lr : lrs) {
                    ours.add(step.accumulate(batch, 1.0).item_double());
                    step.update(lr);
                }
            }
            ObjectNode b = Json.MAPPER.createObjectNode().put("multilabel", c.task() == Task.MULTILABEL).put("loss", c.loss());
            b.set("lrs", Json.MAPPER.valueToTree(lrs));
            b.set("labels", labels);
            b.set("ids", Json.MAPPER.valueToTree(padded(encodings, false)));
            b.set("mask", Json.MAPPER.valueToTree(padded(encodings, true)));
            var bounds = b.putArray("level_bounds");
            for (int l = 0; l < heads.levels().size(); l++) {
                bounds.addArray().add(heads.offset(l)).add(heads.offset(l) + heads.levels().get(l).size());
            }
            Path batchFile = Files.write(tmp.resolve("batch-" + c.dir() + ".json"), Json.MAPPER.writeValueAsBytes(b));
            Path result = tmp.resolve("steps-" + c.dir() + ".json");
            run("train", dir.toString(), batchFile.toString(), result.toString());
            JsonNode hf = Json.MAPPER.readTree(result.toFile());
            for (int s = 0; s < lrs.length; s++) {
                assertEquals(hf.get("losses").get(s).asDouble(), ours.get(s), 1e-5, c.dir() + " loss of step " + (s + 1));
            }
            var diff = HfChecks.weightDiff(model, hf.get("weights"), c.dir());
            System.out.printf("HF interop: %s as %s, 5 AdamW steps, max |weight diff| %.2e, losses %s%n", c.dir(),
                    c.task().id(), diff.max(), ours);
            assertTrue(diff.max() < HfChecks.TOLERANCE, c.dir() + ": weights differ from HF's by " + diff.max() + " at " + diff.at());
        }
    }

    /** A tiny model of {@code task} with large enough weights for distinct answers, saved with the vocabulary's tokenizer. */
    private static Path save(Task task, Path vocab) {
        boolean bert = task == Task.BINARY || task == Task.HIERARCHICAL;
        var shape = new ModelConfig(bert ? Architecture.BERT : Architecture.DISTILBERT, VOCAB.size(), 16, 2, 4, 32, 64,
                bert ? 2 : 0, 0.1, 0.1, 0.1, Activation.GELU, 1e-12, 0.5, 0, false);
        var hierarchy = LabelSpace.hierarchical(List.of("level1", "level2"),
                List.of(List.of("p", "p1"), List.of("p", "p2"), List.of("q", "q1")));
        Heads heads = switch (task) {
            case MULTICLASS -> Heads.single(task, List.of("a", "b", "c"));
            case BINARY -> Heads.single(task, List.of("neg", "pos"));
            case MULTILABEL -> Heads.single(task, List.of("x", "y", "z"));
            case HIERARCHICAL -> new Heads(task, hierarchy.levels().stream()
                    .map(l -> new Heads.Level(l.name(), l.labels())).toList());
        };
        var saved = new HeadwiseConfig(
                new Truncation(HfChecks.MAX_LENGTH, task == Task.MULTILABEL || task == Task.HIERARCHICAL ? 8 : 0), null,
                task == Task.MULTILABEL ? new Thresholds(0.5, new double[]{0.3, 0.5, 0.7}) : null, null,
                task == Task.HIERARCHICAL ? hierarchy : null, null, null, null);
        torch.manual_seed(11 + task.ordinal());
        var model = TextClassifier.create(new ClassifierConfig(shape, heads, null, saved), CPU);
        Path dir = tmp.resolve("headwise-" + task.id());
        ModelFiles.save(model, dir);
        TokenizerFiles.read(vocab).writeTo(dir, HfChecks.MAX_LENGTH);
        return dir;
    }

    /** headwise's raw logits for {@link #TEXTS}, cut as {@code truncation} says. */
    private static float[][] logits(Path dir, Truncation truncation) {
        try (LoadedModel m = LoadedModel.classifier(dir, CPU); var scope = new PointerScope(); var noGrad = new NoGradGuard()) {
            ModelInput in = Inputs.pad(m.tokenizer().encodeBatch(TEXTS, truncation), m.padding(), CPU);
            float[] flat = Tensors.toFloats(m.model().logits(in.ids(), in.mask(), in.typeIds(), false));
            int width = flat.length / TEXTS.size();
            float[][] out = new float[TEXTS.size()][];
            for (int i = 0; i < out.length; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width);
            return out;
        }
    }

    private static JsonNode read(List<Path> dirs) throws Exception {
        Path texts = tmp.resolve("texts.json");
        Files.write(texts, Json.MAPPER.writeValueAsBytes(TEXTS));
        Path out = tmp.resolve("hf-read.json");
        var args = new ArrayList<>(List.of("read", texts.toString(), out.toString()));
        dirs.forEach(d -> args.add(d.toString()));
        run(args.toArray(String[]::new));
        return Json.MAPPER.readTree(out.toFile());
    }

    /**
     * {@code --windows --window-overlap 16} against HF's overflowing windows (tokenizers' truncation with
     * {@code stride=16}, as {@code return_overflowing_tokens=True} asks) for texts of 1 to 20 windows: the same
     * token ids per window, and the
     * softmax of the windows' mean (the CLI) and max (the Java API) logits within 1e-4.
     */
    @Test
    void slidingWindowsAreHfOverflowingWindowsPooled() throws Exception {
        requireHf();
        Path dir = hfModels.resolve("distilbert-multiclass");
        var words = List.of("hello", "world", "the", "end", "owners", "say", "cafe", "!", ",");
        var texts = new ArrayList<String>();
        int room = HfChecks.MAX_LENGTH - 2, step = room - 16;
        for (int n = 1; n <= 20; n++) {
            int count = n == 1 ? room - 3 : room + step * (n - 1) - n % 3; // n windows, the last one more or less full
            var sb = new StringBuilder();
            for (int w = 0; w < count; w++) sb.append(words.get((w * 7 + n) % words.size())).append(' ');
            texts.add(sb.toString().strip());
        }
        Path textsFile = Files.write(tmp.resolve("window-texts.json"), Json.MAPPER.writeValueAsBytes(texts));
        Path hfOut = tmp.resolve("hf-windows.json");
        run("windows", dir.toString(), textsFile.toString(), "16", hfOut.toString());
        JsonNode hf = Json.MAPPER.readTree(hfOut.toFile());
        List<String> labels = Json.MAPPER.convertValue(Json.MAPPER.readTree(dir.resolve("expected.json").toFile()).get("labels"), List.class);

        var mean = new Windows(16, Windows.Pooling.MEAN, Integer.MAX_VALUE);
        try (var m = LoadedModel.classifier(dir, CPU)) {
            for (int i = 0; i < texts.size(); i++) {
                List<Encoding> mine = m.tokenizer().encodeWindows(texts.get(i), HfChecks.MAX_LENGTH, mean);
                JsonNode theirs = hf.get("windows").get(i);
                assertEquals(theirs.size(), mine.size(), "windows of text " + i);
                for (int w = 0; w < mine.size(); w++) assertArrayEquals(HfChecks.ints(theirs.get(w)), mine.get(w).ids(), "text " + i + " window " + w);
            }
            assertEquals(20, hf.get("windows").get(19).size(), "the longest text spans 20 windows");
            // What encode(return_overflowing_tokens=True) returns agrees as far as it goes: the first window always,
            // and the whole text when it fits one (tokenizers 0.23 cuts the overflow from the first max_length tokens only).
            for (int i = 0; i < texts.size(); i++) {
                JsonNode overflowing = hf.get("overflowing").get(i);
                assertArrayEquals(HfChecks.ints(overflowing.get(0)), HfChecks.ints(hf.get("windows").get(i).get(0)), "first window of text " + i);
                if (hf.get("windows").get(i).size() == 1) assertEquals(1, overflowing.size(), "text " + i + " fits one window");
            }
        }

        var input = new StringBuilder();
        for (String t : texts) input.append(Json.MAPPER.writeValueAsString(java.util.Map.of("text", t))).append('\n');
        Path in = Files.writeString(tmp.resolve("window-texts.jsonl"), input);
        Path predicted = tmp.resolve("window-predictions.jsonl");
        var cli = CliRunner.run("predict", "--model", dir.toString(), "--windows", "--window-overlap", "16",
                "--input", in.toString(), "--output", predicted.toString());
        assertEquals(0, cli.exitCode(), cli.err());
        List<String> lines = Files.readAllLines(predicted);
        for (int i = 0; i < texts.size(); i++) {
            JsonNode probs = Json.MAPPER.readTree(lines.get(i)).get("probabilities");
            for (int c = 0; c < labels.size(); c++) {
                assertEquals(hf.get("mean").get(i).get(c).asDouble(), probs.get(labels.get(c)).asDouble(), HfChecks.TOLERANCE,
                        "mean-pooled " + labels.get(c) + " of text " + i);
            }
        }

        try (var c = Classifier.load(dir, CPU, null, new Windows(16, Windows.Pooling.MAX, Integer.MAX_VALUE))) {
            List<Prediction> ps = c.predict(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(hf.get("windows").get(i).size(), ps.get(i).windows());
                for (Prediction.Label l : ps.get(i).levels().getFirst().ranked()) {
                    assertEquals(hf.get("max").get(i).get(labels.indexOf(l.name())).asDouble(), l.probability(), HfChecks.TOLERANCE,
                            "max-pooled " + l.name() + " of text " + i);
                }
            }
        }
    }

    private static void run(String... args) throws Exception {
        HfPython.run("hf_interop.py", tmp, args);
    }

    private static Path csv(String name, List<String> labels) throws IOException {
        var sb = new StringBuilder("text,label\n");
        for (int i = 0; i < TEXTS.size(); i++) sb.append('"').append(TEXTS.get(i)).append("\",").append(labels.get(i)).append('\n');
        return Files.writeString(tmp.resolve(name), sb);
    }


    /** The ids padded with 0 as {@link Inputs#pad} pads them, or their attention mask. */
    private static int[][] padded(List<Encoding> encodings, boolean mask) {
        int width = encodings.stream().mapToInt(Encoding::length).max().orElse(0);
        int[][] out = new int[encodings.size()][width];
        for (int i = 0; i < out.length; i++) {
            int[] ids = encodings.get(i).ids();
            for (int j = 0; j < ids.length; j++) out[i][j] = mask ? 1 : ids[j];
        }
        return out;
    }
}
