package dev.headwise.train;

import dev.headwise.data.LabeledDataset;
import dev.headwise.data.TokenizedCorpus;
import dev.headwise.io.Json;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.Heads;
import dev.headwise.model.Loss;
import dev.headwise.model.ModelConfig;
import dev.headwise.model.Tensors;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TinyModels;
import dev.headwise.testing.GeneratedData;
import dev.headwise.testing.WhitespaceTokenizer;
import dev.headwise.tokenize.Truncation;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    @TempDir
    Path tmp;

    static final LabeledDataset DATA = GeneratedData.hierarchical(60, 1);
    static final TokenizedCorpus CORPUS = TokenizedCorpus.build(DATA.texts(), new WhitespaceTokenizer(), Truncation.head(16));
    static final int[] TRAIN = IntStream.range(0, 48).toArray();
    static final int[] EVAL = IntStream.range(48, 60).toArray();

    static TrainOptions options(int epochs) {
        return TrainOptions.builder().epochs(epochs).batchSize(8).gradientAccumulation(2).lr(1e-2).warmupSteps(2).seed(7)
                .grouping(dev.headwise.data.LengthGrouping.SHUFFLED).evalBatchSize(16).evalEvery(4).saveEvery(3)
                .keepLast(2).logEvery(1).build();
    }

    private Heads heads() {
        return new Heads(dev.headwise.Task.HIERARCHICAL, DATA.labelSpace().levels().stream()
                .map(l -> new Heads.Level(l.name(), l.labels())).toList());
    }

    private TextClassifier model() {
        torch.manual_seed(3);
        ModelConfig c = TinyModels.distilbert().withSize(100, 16, 2, 4, 32, 16);
        return TextClassifier.create(new ClassifierConfig(c, heads()), TinyModels.CPU);
    }

    private record Run(TextClassifier model, Trainer.Outcome outcome, List<String> losses) {}

    private Run run(Path out, java.util.function.LongPredicate stop, boolean resume) throws Exception {
        return run(out, stop, resume, 3);
    }

    private Run run(Path out, java.util.function.LongPredicate stop, boolean resume, int epochs) throws Exception {
        TextClassifier model = model();
        var trainer = new Trainer(model, new Loss(heads(), Loss.LossOptions.NONE), options(epochs), out.resolve("checkpoints"),
                null, new Evaluator.Options(16, null, true));
        Path from = resume ? trainer.resumable().orElseThrow() : null;
        Trainer.Outcome outcome;
        try (var log = new TrainingLog(out.resolve("metrics.jsonl"), TrainListener.SILENT, null,
                resume ? Checkpoints.stepOf(from) : -1)) {
            outcome = trainer.train(new Trainer.Part(CORPUS, DATA, TRAIN), new Trainer.Part(CORPUS, DATA, EVAL), from, log, stop);
        }
        var losses = Files.readAllLines(out.resolve("metrics.jsonl")).stream().map(TrainerTest::withoutTiming).toList();
        return new Run(model, outcome, losses);
    }

    private static String withoutTiming(String json) {
        try {
            var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(json);
            node.remove(List.of("samples_per_s", "window_s"));
            return node.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void interruptedAndResumedRunEndsWithTheSameWeightsAndCurve() throws Exception {
        Run whole = run(tmp.resolve("whole"), s -> false, false);
        assertNotNull(whole.outcome().finalEval());
        assertEquals(9, whole.outcome().steps()); // 3 epochs x (6 batches / 2 accumulated)

        Path out = tmp.resolve("interrupted");
        Run first = run(out, s -> s == 5, false);
        assertTrue(first.outcome().interrupted());
        assertEquals(5, first.outcome().steps());
        try (var s = Files.list(out.resolve("checkpoints"))) {
            var withOptimizer = s.filter(c -> Files.exists(c.resolve("optimizer.safetensors")))
                    .map(c -> c.getFileName().toString()).toList();
            assertEquals(List.of("checkpoint-5"), withOptimizer, "only the newest checkpoint keeps the optimizer state");
        }
        Path leftover = Files.createDirectories(out.resolve("checkpoints/.checkpoint-6.new-" + java.util.UUID.randomUUID()));
        Run resumed = run(out, s -> false, true);
        assertTrue(Files.notExists(leftover), "a write cut short by a second Ctrl-C is cleaned up");
        assertArrayEquals(Tensors.toFloats(whole.model().parameters().flat()),
                Tensors.toFloats(resumed.model().parameters().flat()));
        assertEquals(whole.losses(), resumed.losses());
    }

    @Test
    void nonFiniteLossStopsWithAClearMessageAndKeepsTheLastCheckpoint() throws Exception {
        Path out = tmp.resolve("nan");
        run(out, s -> s == 3, false); // leaves checkpoint-3
        TextClassifier model = model();
        var trainer = new Trainer(model, new Loss(heads(), Loss.LossOptions.NONE), options(3), out.resolve("checkpoints"),
                null, new Evaluator.Options(16, null, true));
        Path from = trainer.resumable().orElseThrow();
        try (var log = new TrainingLog(out.resolve("metrics.jsonl"), TrainListener.SILENT, null, 3)) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.headwise.HeadwiseException.class, () ->
                    trainer.train(new Trainer.Part(CORPUS, DATA, TRAIN), new Trainer.Part(CORPUS, DATA, EVAL), from, log,
                            s -> {
                                // Poison the weights after the first resumed step: the next loss is NaN.
                                model.parameters().flat().fill_(new org.bytedeco.pytorch.Scalar(Double.NaN));
                                return false;
                            }));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("checkpoint-"), e.getMessage());
        }
        dev.headwise.model.ModelFiles.load(out.resolve("checkpoints/checkpoint-3"), TinyModels.CPU);
    }

    @Test
    void sameSeedSameLossCurveAndTheModelLearns() throws Exception {
        Run a = run(tmp.resolve("a"), s -> false, false, 30);
        Run b = run(tmp.resolve("b"), s -> false, false, 30);
        assertEquals(a.losses(), b.losses());
        assertTrue(a.outcome().finalEval().get("path_accuracy") > 0.9, a.outcome().finalEval().summary().toString());
        try (var s = Files.list(tmp.resolve("a/checkpoints"))) {
            assertTrue(s.count() <= 3, "keeps the last 2 checkpoints plus the best");
        }
    }
}
