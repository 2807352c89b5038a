package dev.headwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.Task;
import dev.headwise.infer.Inputs;
import dev.headwise.infer.LoadedModel;
import dev.headwise.infer.SentenceVectors;
import dev.headwise.io.Json;
import dev.headwise.model.Activation;
import dev.headwise.model.Architecture;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.Heads;
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
import dev.headwise.train.AdamW;
import dev.headwise.train.TrainingStep;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RoBERTa (and DistilRoBERTa) and XLNet against HF transformers, through {@code src/test/python/hf_encoders.py}:
 * random-init HF models of tiny configs with tokenizers trained by the tokenizers library (byte-level BPE,
 * Unigram), read by headwise, and headwise's models read by HF. Skipped, with the reason, without
 * {@code HEADWISE_HF_PYTHON}.
 */
class HfEncodersTest {
    private static final Device CPU = new Device("cpu");
    /** hf_encoders.py's texts: accents, an emoji, runs of spaces and a tab, and one longer than 32 tokens. */
    private static final List<String> TEXTS = List.of("Hello world, hello!", "hello hellos World", "Café owners say hello",
            "naïve résumé: 100% sure? 😀", "  spaces   and\ttabs  ", "the end", "world ".repeat(80) + "the end");
    private static final List<String> HF_CLASSIFIERS = List.of("distilroberta-multiclass", "roberta-multilabel",
            "roberta-one-logit", "roberta-level-names", "xlnet-multiclass", "xlnet-multilabel-typed", "xlnet-one-logit",
            "xlnet-level-names-typed");

    @TempDir
    static Path tmp;
    /** hf_encoders.py's models and tokenizers. */
    static Path root;
    /** Why the tests cannot run here, or null. */
    static String skipped;

    @BeforeAll
    static void makeHfModels() throws Exception {
        root = tmp.resolve("hf");
        skipped = HfPython.setUp("hf_encoders.py", tmp, "make", root.toString());
    }

    /** HF's classifiers of every task in headwise: the same token ids and types, and logits alone and in a padded batch. */
    @Test
    void hfClassifiersGiveHfsLogitsAloneAndInPaddedBatches() throws Exception {
        HfPython.assume(skipped);
        double maxDiff = 0;
        for (String name : HF_CLASSIFIERS) {
            Path dir = root.resolve(name);
            JsonNode expected = Json.MAPPER.readTree(dir.resolve("expected.json").toFile());
            try (LoadedModel m = LoadedModel.classifier(dir, CPU)) {
                assertEquals(HfChecks.MAX_LENGTH, m.maxLength(), name + ": model_max_length");
                assertEquals(expected.get("padding_side").asText().toUpperCase(Locale.ROOT), m.padding().side().name(), name);
                List<Encoding> encodings = m.tokenizer().encodeBatch(TEXTS, Truncation.head(m.maxLength()));
                for (int i = 0; i < TEXTS.size(); i++) {
                    assertArrayEquals(HfChecks.ints(expected.get("ids").get(i)), encodings.get(i).ids(), name + " ids of text " + i);
                    JsonNode types = expected.get("types").get(i);
                    int[] want = types.isNull() ? new int[encodings.get(i).length()] : HfChecks.ints(types);
                    assertArrayEquals(want, encodings.get(i).typeIds(), name + " token types of text " + i);
                }
                for (int i = 0; i < TEXTS.size(); i++) {
                    maxDiff = Math.max(maxDiff, assertClose(expected.get("logits_alone").get(i),
                            logits(m, List.of(encodings.get(i)))[0], name + " text " + i + " alone"));
                }
                float[][] batch = logits(m, encodings);
                for (int i = 0; i < TEXTS.size(); i++) {
                    maxDiff = Math.max(maxDiff, assertClose(expected.get("logits_batch").get(i), batch[i],
                            name + " text " + i + " in the batch"));
                }
            }
        }
        System.out.printf("HF encoders: %d HF classifiers read by headwise, %d texts alone and batched, max |logit diff| %.2e%n",
                HF_CLASSIFIERS.size(), TEXTS.size(), maxDiff);
    }

    /** HF's bare RobertaModel and XLNetModel: the same CLS (XLNet: last-token) and mean sentence vectors. */
    @Test
    void hfEncodersGiveTheSameSentenceVectors() throws Exception {
        HfPython.assume(skipped);
        for (String name : List.of("roberta-encoder", "xlnet-encoder")) {
            Path dir = root.resolve(name);
            JsonNode expected = Json.MAPPER.readTree(dir.resolve("expected.json").toFile());
            double maxDiff = 0;
            try (LoadedModel m = LoadedModel.encoder(dir, CPU)) {
                for (SentenceVectors.Pooling pooling : SentenceVectors.Pooling.values()) {
                    List<float[]> ours = SentenceVectors.embed(m, TEXTS, pooling, m.maxLength(), true);
                    for (int i = 0; i < TEXTS.size(); i++) {
                        maxDiff = Math.max(maxDiff, assertClose(expected.get(pooling.name().toLowerCase(Locale.ROOT)).get(i),
                                ours.get(i), name + " " + pooling + " text " + i));
                    }
                }
            }
            System.out.printf("HF encoders: %s, CLS and mean vectors, max |diff| %.2e%n", name, maxDiff);
        }
    }

    /** headwise's RoBERTa and XLNet models of every task, saved, read by HF's Auto classes: the same logits. */
    @Test
    void headwiseModelsReadTheSameInHf() throws Exception {
        HfPython.assume(skipped);
        var dirs = new ArrayList<Path>();
        for (Architecture a : List.of(Architecture.ROBERTA, Architecture.XLNET)) {
            for (Task task : Task.values()) dirs.add(save(a, task));
        }
        Path texts = Files.write(tmp.resolve("texts.json"), Json.MAPPER.writeValueAsBytes(TEXTS));
        Path out = tmp.resolve("hf-read.json");
        var args = new ArrayList<>(List.of("read", texts.toString(), out.toString()));
        dirs.forEach(d -> args.add(d.toString()));
        HfPython.run("hf_encoders.py", tmp, args.toArray(String[]::new));
        JsonNode hf = Json.MAPPER.readTree(out.toFile());
        double maxDiff = 0;
        for (Path dir : dirs) {
            JsonNode h = hf.get(dir.toString());
            try (LoadedModel m = LoadedModel.classifier(dir, CPU)) {
                Architecture a = m.model().config().model().architecture();
                assertEquals(a.hfClassName, h.get("class").asText(), dir.toString());
                assertEquals(m.padding().side().name(), h.get("padding_side").asText().toUpperCase(Locale.ROOT), dir.toString());
                boolean binary = m.model().config().heads().task() == Task.BINARY;
                List<Encoding> encodings = m.tokenizer().encodeBatch(TEXTS, Truncation.head(m.maxLength()));
                float[][] batch = logits(m, encodings);
                for (int i = 0; i < TEXTS.size(); i++) {
                    assertArrayEquals(HfChecks.ints(h.get("ids").get(i)), encodings.get(i).ids(), dir + " ids of text " + i);
                    float[] alone = logits(m, List.of(encodings.get(i)))[0];
                    // HF sees a binary model's one logit z as the pair [0, z].
                    maxDiff = Math.max(maxDiff, assertClose(h.get("logits_alone").get(i), binary ? new float[]{0, alone[0]} : alone,
                            dir + " text " + i + " alone"));
                    maxDiff = Math.max(maxDiff, assertClose(h.get("logits_batch").get(i),
                            binary ? new float[]{0, batch[i][0]} : batch[i], dir + " text " + i + " in the batch"));
                }
            }
        }
        System.out.printf("HF encoders: %d headwise models read by HF, max |logit diff| %.2e%n", dirs.size(), maxDiff);
    }

    /** One training comparison: an HF model read as {@code task}, its targets, and the loss HF trains it with. */
    private record StepCase(String dir, Task task, Object labels, String loss) {}

    /**
     * Five AdamW steps from the same weights (dropout 0) on a padded batch end where HF's loop (hf_interop.py's)
     * ends: XLNet padded on the left, with and without token types. The models are hf_encoders.py's "-steps"
     * copies, drawn with HF's default std.
     */
    @Test
    void fiveTrainingStepsEqualHfsLoop() throws Exception {
        HfPython.assume(skipped);
        double[] lrs = {1e-2, 8e-3, 6e-3, 4e-3, 2e-3};
        List<Object> fourLabels = List.of(0, 1, 2, 0, 1, 2, 0);
        var cases = List.of(
                new StepCase("distilroberta-multiclass", Task.MULTICLASS, fourLabels, "model"),
                new StepCase("roberta-multilabel", Task.MULTILABEL, List.of(List.of(1, 0, 1), List.of(0, 1, 0),
                        List.of(1, 1, 0), List.of(0, 0, 1), List.of(1, 1, 1), List.of(0, 0, 0), List.of(1, 0, 0)), "model"),
                new StepCase("roberta-one-logit", Task.BINARY, List.of(1, 0, 1, 0, 1, 1, 0), "bce"),
                new StepCase("xlnet-multiclass", Task.MULTICLASS, fourLabels, "model"),
                new StepCase("xlnet-level-names-typed", Task.HIERARCHICAL, List.of(List.of(0, 0), List.of(0, 1),
                        List.of(1, 2), List.of(0, 0), List.of(1, 2), List.of(0, 1), List.of(0, 0)), "levels"));
        for (StepCase c : cases) {
            Path dir = root.resolve(c.dir() + "-steps");
            TextClassifier model = ModelFiles.load(dir, CPU, c.task());
            Heads heads = model.config().heads();
            JsonNode labels = Json.MAPPER.valueToTree(c.labels());
            var ours = new ArrayList<Double>();
            ObjectNode b = Json.MAPPER.createObjectNode().put("multilabel", c.task() == Task.MULTILABEL).put("loss", c.loss());
            try (LoadedModel m = LoadedModel.classifier(dir, CPU); var scope = new PointerScope()) {
                ModelInput x = Inputs.pad(m.tokenizer().encodeBatch(TEXTS, Truncation.head(m.maxLength())), m.padding(), CPU);
                b.set("ids", Json.MAPPER.valueToTree(rows(x.ids())));
                b.set("mask", Json.MAPPER.valueToTree(rows(x.mask())));
                if (x.typeIds() != null) b.set("types", Json.MAPPER.valueToTree(rows(x.typeIds())));
                var batch = new ModelInput(x.ids(), x.mask(), x.typeIds(), HfChecks.targets(c.task(), labels));
                var step = new TrainingStep(model, new Loss(heads, Loss.LossOptions.NONE),
                        new AdamW(model.parameters(), AdamW.Options.defaults(), true), 1.0);
                for (double lr : lrs) {
                    ours.add(step.accumulate(batch, 1.0).item_double());
                    step.update(lr);
                }
            }
            assertEquals(c.dir().endsWith("-typed"), b.has("types"), c.dir() + ": token types reach the model as configured");
            b.set("lrs", Json.MAPPER.valueToTree(lrs));
            b.set("labels", labels);
            var bounds = b.putArray("level_bounds");
            for (int l = 0; l < heads.levels().size(); l++) {
                bounds.addArray().add(heads.offset(l)).add(heads.offset(l) + heads.levels().get(l).size());
            }
            Path batchFile = Files.write(tmp.resolve("batch-" + c.dir() + ".json"), Json.MAPPER.writeValueAsBytes(b));
            Path result = tmp.resolve("steps-" + c.dir() + ".json");
            HfPython.run("hf_interop.py", tmp, "train", dir.toString(), batchFile.toString(), result.toString());
            JsonNode hf = Json.MAPPER.readTree(result.toFile());
            for (int s = 0; s < lrs.length; s++) {
                assertEquals(hf.get("losses").get(s).asDouble(), ours.get(s), 1e-5, c.dir() + " loss of step " + (s + 1));
            }
            var diff = HfChecks.weightDiff(model, hf.get("weights"), c.dir());
            System.out.printf("HF encoders: %s as %s, 5 AdamW steps, max |weight diff| %.2e, losses %s%n", c.dir(),
                    c.task().id(), diff.max(), ours);
            assertTrue(diff.max() < HfChecks.TOLERANCE, c.dir() + ": weights differ from HF's by " + diff.max() + " at " + diff.at());
        }
    }

    /** `headwise train --model` from a bare HF RobertaModel or XLNetModel, then predict with the run. */
    @Test
    void theCliFineTunesHfEncoders() throws Exception {
        HfPython.assume(skipped);
        var csv = new StringBuilder("text,label\n");
        for (int i = 0; i < TEXTS.size(); i++) csv.append(Json.MAPPER.writeValueAsString(TEXTS.get(i))).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
        Path data = Files.writeString(tmp.resolve("ab.csv"), csv);
        for (String name : List.of("roberta-encoder", "xlnet-encoder")) {
            Path run = tmp.resolve("run-" + name);
            var log = CliRunner.run("train", "--model", root.resolve(name).toString(), "--data", data.toString(),
                    "--task", "multiclass", "--label-column", "label", "--max-steps", "2", "--batch-size", "4",
                    "--eval-split", "0.3", "--out", run.toString());
            assertEquals(0, log.exitCode(), log.err());
            JsonNode tokenizerConfig = Json.MAPPER.readTree(run.resolve("tokenizer_config.json").toFile());
            assertEquals(name.startsWith("xlnet") ? "left" : "right", tokenizerConfig.path("padding_side").asText("right"), name);
            var predicted = CliRunner.run("predict", "--model", run.toString(), TEXTS.getFirst());
            assertEquals(0, predicted.exitCode(), predicted.err());
            assertTrue(predicted.out().contains("a (") || predicted.out().contains("b ("), predicted.out());
            var info = CliRunner.run("info", "--model", run.toString());
            assertTrue(info.out().contains(name.substring(0, name.indexOf('-')) + ":"), info.out());
        }
    }

    /** A tiny headwise model of {@code task} with large enough weights for distinct answers, saved with HF's tokenizer. */
    private static Path save(Architecture a, Task task) throws Exception {
        Path tokenizer = root.resolve("tokenizer-" + a.modelType);
        int vocab;
        try (var t = TokenizerFiles.read(tokenizer).load()) {
            vocab = t.vocabSize();
        }
        ModelConfig shape = a == Architecture.ROBERTA
                ? new ModelConfig(a, vocab, 16, 2, 4, 32, HfChecks.MAX_LENGTH + 2, 1, 0.1, 0.1, 0.1, Activation.GELU, 1e-5, 0.3, 1, false)
                : new ModelConfig(a, vocab, 16, 2, 4, 32, Integer.MAX_VALUE, 0, 0.1, 0.1, 0.1, Activation.GELU, 1e-12, 0.3,
                5, false, -1, 0);
        Heads heads = switch (task) {
            case MULTICLASS -> Heads.single(task, List.of("a", "b", "c"));
            case BINARY -> Heads.single(task, List.of("neg", "pos"));
            case MULTILABEL -> Heads.single(task, List.of("x", "y", "z"));
            case HIERARCHICAL -> new Heads(task, List.of(new Heads.Level("level1", List.of("p", "q")),
                    new Heads.Level("level2", List.of("p1", "p2", "q1"))));
        };
        torch.manual_seed(21 + task.ordinal());
        var model = TextClassifier.create(new ClassifierConfig(shape, heads), CPU);
        Path dir = tmp.resolve("headwise-" + a.modelType + "-" + task.id());
        ModelFiles.save(model, dir);
        TokenizerFiles.read(tokenizer).writeTo(dir, HfChecks.MAX_LENGTH, model.padding(0).side());
        return dir;
    }

    /** headwise's raw logits for these encodings, padded as the model expects. */
    private static float[][] logits(LoadedModel m, List<Encoding> encodings) {
        try (var scope = new PointerScope(); var noGrad = new NoGradGuard()) {
            ModelInput in = Inputs.pad(encodings, m.padding(), CPU);
            float[] flat = Tensors.toFloats(m.model().logits(in.ids(), in.mask(), in.typeIds(), false));
            int width = flat.length / encodings.size();
            float[][] out = new float[encodings.size()][];
            for (int i = 0; i < out.length; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width);
            return out;
        }
    }

    /** Asserts each value within {@link HfChecks#TOLERANCE}; returns the largest difference. */
    private static double assertClose(JsonNode expected, float[] actual, String what) {
        assertEquals(expected.size(), actual.length, what);
        double max = 0;
        for (int c = 0; c < actual.length; c++) {
            max = Math.max(max, Math.abs(actual[c] - expected.get(c).asDouble()));
            assertEquals(expected.get(c).asDouble(), actual[c], HfChecks.TOLERANCE, what + " [" + c + "]");
        }
        return max;
    }

    /** A (B, T) int64 tensor as rows. */
    private static long[][] rows(Tensor t) {
        Tensor c = t.contiguous();
        long[] flat = new long[(int) c.numel()];
        c.data_ptr_long().get(flat);
        long[][] out = new long[(int) t.size(0)][];
        for (int i = 0; i < out.length; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * (int) t.size(1), (i + 1) * (int) t.size(1));
        return out;
    }

}
