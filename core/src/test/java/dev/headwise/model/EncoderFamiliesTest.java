package dev.headwise.model;

import dev.headwise.Task;
import dev.headwise.infer.Inputs;
import dev.headwise.io.Json;
import dev.headwise.testing.ProcessMemory;
import dev.headwise.tokenize.Encoding;
import dev.headwise.tokenize.Padding;
import dev.headwise.train.AdamW;
import dev.headwise.train.TrainingStep;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RoBERTa and XLNet without HF: padding, save and load, and native memory over many training steps. */
class EncoderFamiliesTest {
    @TempDir
    Path dir;

    /**
     * Texts of 3 to 20 tokens: {@code <s> ... </s>} for RoBERTa; {@code ... <sep> <cls>} for XLNet, with the
     * token types its tokenizer gives when asked (2 for {@code <cls>}) on every other text's batch.
     */
    private static List<Encoding> texts(Architecture a, boolean types) {
        var rnd = new SplittableRandom(5);
        var out = new ArrayList<Encoding>();
        for (int n : new int[]{7, 3, 20, 12, 5}) {
            int[] ids = new int[n];
            int[] typeIds = new int[n];
            for (int i = 0; i < n; i++) ids[i] = 10 + rnd.nextInt(40);
            if (a == Architecture.XLNET) {
                ids[n - 2] = 4;
                ids[n - 1] = 3;
                if (types) typeIds[n - 1] = 2;
            } else {
                ids[0] = 0;
                ids[n - 1] = 2;
            }
            out.add(new Encoding(ids, typeIds));
        }
        return out;
    }

    /** A text's logits and real tokens' hidden states are the same alone as in a batch padded on the model's side. */
    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = {"ROBERTA", "XLNET"})
    void aTextReadsTheSameAloneAsInAPaddedBatch(Architecture a) {
        torch.manual_seed(3);
        var model = TextClassifier.create(new ClassifierConfig(TinyModels.of(a).withDropout(0.1, 0.1, 0.1),
                TinyModels.heads(Task.MULTILABEL)), TinyModels.CPU);
        Padding padding = model.padding(model.config().model().padTokenId());
        assertEquals(a == Architecture.XLNET ? Padding.Side.LEFT : Padding.Side.RIGHT, padding.side());
        for (boolean types : new boolean[]{false, true}) {
            List<Encoding> texts = texts(a, types);
            try (var scope = new PointerScope(); var noGrad = new NoGradGuard()) {
                ModelInput batch = Inputs.pad(texts, padding, TinyModels.CPU);
                assertEquals(types && a == Architecture.XLNET, batch.typeIds() != null);
                float[] batchLogits = Tensors.toFloats(model.logits(batch.ids(), batch.mask(), batch.typeIds(), false));
                Tensor batchHidden = model.hidden(batch.ids(), batch.mask(), batch.typeIds(), false);     // (B, T, H)
                long width = batch.ids().size(1);
                int logits = batchLogits.length / texts.size();
                for (int i = 0; i < texts.size(); i++) {
                    ModelInput alone = Inputs.pad(List.of(texts.get(i)), padding, TinyModels.CPU);
                    float[] own = Tensors.toFloats(model.logits(alone.ids(), alone.mask(), alone.typeIds(), false));
                    assertArrayEquals(own, java.util.Arrays.copyOfRange(batchLogits, i * logits, (i + 1) * logits), 1e-5f,
                            a + " text " + i + (types ? " with token types" : ""));
                    int n = texts.get(i).length();
                    float[] ownHidden = Tensors.toFloats(model.hidden(alone.ids(), alone.mask(), alone.typeIds(), false));
                    float[] inBatch = Tensors.toFloats(batchHidden.select(0, i).narrow(0, padding.start(n, (int) width), n));
                    assertArrayEquals(ownHidden, inBatch, 1e-5f, a + " hidden states of text " + i);
                }
            }
        }
    }

    /** Saved and loaded, every parameter is bit-exact and the config the same; HF's fields are in config.json. */
    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = {"ROBERTA", "XLNET"})
    void saveThenLoadIsBitExact(Architecture a) throws Exception {
        for (Task task : Task.values()) {
            torch.manual_seed(4);
            var config = new ClassifierConfig(TinyModels.of(a), TinyModels.heads(task));
            var model = TextClassifier.create(config, TinyModels.CPU);
            Path out = dir.resolve(a.modelType + "-" + task.id());
            ModelFiles.save(model, out);
            var loaded = ModelFiles.load(out, TinyModels.CPU);
            assertEquals(config.model(), loaded.config().model(), a + " " + task);
            assertEquals(config.heads(), loaded.config().heads());
            model.parameters().named().forEach((name, t) ->
                    assertArrayEquals(Tensors.toFloats(t), Tensors.toFloats(loaded.parameters().named().get(name)), name));
            var json = Json.MAPPER.readTree(out.resolve("config.json").toFile());
            assertEquals(a.modelType, json.get("model_type").asText());
            assertEquals(a.hfClassName, json.get("architectures").get(0).asText());
            // XLNetConfig raises on max_position_embeddings; RoBERTa's keeps the pad id's offset.
            assertEquals(a == Architecture.ROBERTA, json.has("max_position_embeddings"));
            if (a == Architecture.XLNET) assertEquals(6, json.get("clamp_len").asInt());
        }
    }

    /** Native memory stays flat over 1,000 training steps with dropout, each in a PointerScope (XLNet: left padding, types). */
    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = {"ROBERTA", "XLNET"})
    void thousandTrainingStepsDoNotGrowNativeMemory(Architecture a) {
        new TorchRuntime(1).apply(); // one malloc arena: see TrainingStepTest
        torch.manual_seed(2);
        Heads heads = TinyModels.heads(Task.HIERARCHICAL);
        var model = TextClassifier.create(new ClassifierConfig(TinyModels.of(a), heads), TinyModels.CPU);
        ModelInput x = Inputs.pad(texts(a, true), model.padding(model.config().model().padTokenId()), TinyModels.CPU);
        var batch = new ModelInput(x.ids(), x.mask(), x.typeIds(), TinyModels.targets(heads, 3, 5, torch.ScalarType.Float));
        var step = new TrainingStep(model, new Loss(heads, Loss.LossOptions.NONE),
                new AdamW(model.parameters(), AdamW.Options.defaults(), true), 1.0);
        try (var scope = new PointerScope()) {
            step.accumulate(batch, 1.0);
            // Gradients reach every parameter but XLNet's mask_emb (the query stream's input, unused here): the
            // attention projections, biases and segment embeddings too, which the model reads through views.
            model.parameters().named().forEach((name, p) -> assertEquals(!name.endsWith("mask_emb"),
                    Tensors.toFloats(p.grad()).length > 0 && anyNonZero(Tensors.toFloats(p.grad())), name + " has a gradient"));
            step.update(1e-4);
        }
        Runnable oneStep = () -> {
            try (var scope = new PointerScope()) {
                step.accumulate(batch, 1.0);
                step.update(1e-4);
            }
        };
        for (int i = 0; i < 200; i++) oneStep.run();
        long nativeGrownKb = Long.MAX_VALUE;
        for (int window = 0; window < 3; window++) {
            System.gc();
            long nativeBefore = ProcessMemory.mallocInUseBytes();
            for (int i = 0; i < 1000; i++) oneStep.run();
            System.gc();
            nativeGrownKb = Math.min(nativeGrownKb, (ProcessMemory.mallocInUseBytes() - nativeBefore) / 1024);
        }
        System.out.printf("%s: 1,000 training steps (the smallest of three windows): native heap %+d kB%n", a, nativeGrownKb);
        assertTrue(nativeGrownKb < 2 * 1024, a + ": native heap grew by " + nativeGrownKb + " kB in each of three windows");
    }

    private static boolean anyNonZero(float[] values) {
        for (float v : values) if (v != 0) return true;
        return false;
    }
}
