package dev.headwise.infer;

import dev.headwise.model.HeadwiseConfig;
import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TinyModels;
import dev.headwise.tokenize.Truncation;
import dev.headwise.weights.onnx.BundledModels;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierTest {
    @TempDir
    static Path dir;

    /** A tiny random hierarchical classifier saved with the bundled tokenizer. */
    @BeforeAll
    static void save() {
        torch.manual_seed(8);
        var config = new ClassifierConfig(TinyModels.distilbert().withSize(30522, 16, 1, 2, 32, 128),
                TinyModels.heads(Task.HIERARCHICAL));
        ModelFiles.save(TextClassifier.create(config, TinyModels.CPU), dir);
        BundledModels.ALL_MINILM_L6_V2.copyTokenizerTo(dir.resolve("tokenizer.json"));
    }

    static List<String> texts(int n) {
        var out = new ArrayList<String>();
        for (int i = 0; i < n; i++) out.add("text number " + i + " about " + (i % 7 == 0 ? "spam offers" : "the meeting"));
        return out;
    }

    /**
     * Loaded with int8 products, a classifier predicts from many threads as the fp32 one does, its
     * probabilities within 0.01 (a random tiny model's are near uniform), and says what runs.
     */
    @Test
    void int8ClassifierStaysCloseToFp32AndSaysWhatRuns() throws Exception {
        List<String> texts = texts(40);
        var int8Options = InferenceOptions.cpu().withPrecision(dev.headwise.model.InferencePrecision.INT8);
        try (var fp32 = Classifier.load(dir); var int8 = Classifier.load(dir, int8Options)) {
            assertEquals(dev.headwise.model.InferencePrecision.FP32, fp32.precision().running());
            assertEquals(dev.headwise.model.InferencePrecision.INT8.onThisCpu(), int8.precision());
            var expected = fp32.predict(texts);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            var futures = new ArrayList<Future<List<Prediction>>>();
            for (int t = 0; t < 4; t++) futures.add(pool.submit(() -> int8.predict(texts)));
            for (var f : futures) {
                var got = f.get();
                for (int i = 0; i < texts.size(); i++) {
                    var want = expected.get(i).levels().getFirst().ranked().getFirst();
                    double p = got.get(i).levels().getFirst().ranked().stream()
                            .filter(l -> l.name().equals(want.name())).findFirst().orElseThrow().probability();
                    assertEquals(want.probability(), p, 0.01, texts.get(i));
                }
            }
            pool.shutdown();
        }
        var gpu = assertThrows(dev.headwise.HeadwiseException.class,
                () -> int8Options.withDevice(new org.bytedeco.pytorch.Device("cuda")));
        assertTrue(gpu.getMessage().contains("int8 is for CPU inference"), gpu.getMessage());
    }

    /** 16 threads sharing one classifier, 10,000 predictions in all: the single-threaded answers, no errors. */
    @Test
    void sixteenThreadsGiveTheSingleThreadedAnswers() throws Exception {
        List<String> texts = texts(200);
        try (var classifier = Classifier.load(dir)) {
            var expected = texts.stream().map(classifier::predict).toList();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            var errors = new ConcurrentLinkedQueue<Throwable>();
            var done = new AtomicInteger();
            var futures = new ArrayList<Future<?>>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int k = 0; k < 625; k++) {
                        int i = (thread * 625 + k) % texts.size();
                        try {
                            var p = classifier.predict(texts.get(i));
                            if (!p.labels().equals(expected.get(i).labels())
                                    || Math.abs(p.levels().getFirst().chosen().getFirst().probability()
                                    - expected.get(i).levels().getFirst().chosen().getFirst().probability()) > 1e-5) {
                                errors.add(new AssertionError("text " + i + ": " + p + " vs " + expected.get(i)));
                            }
                            done.incrementAndGet();
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                }));
            }
            for (var f : futures) f.get(5, TimeUnit.MINUTES);
            pool.shutdown();
            assertEquals(List.of(), List.copyOf(errors));
            assertEquals(10_000, done.get());
        }
    }

    /** Closing while calls are in flight: those calls finish or fail with a HeadwiseException; the JVM lives on. */
    @Test
    void closingDuringCallsFailsThemCleanly() throws Exception {
        var classifier = Classifier.load(dir);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        var started = new CountDownLatch(8);
        var unexpected = new ConcurrentLinkedQueue<Throwable>();
        var refused = new AtomicInteger();
        for (int t = 0; t < 8; t++) {
            pool.submit(() -> {
                started.countDown();
                for (int k = 0; k < 200; k++) {
                    try {
                        classifier.predict(texts(4));
                    } catch (HeadwiseException e) {
                        refused.incrementAndGet();
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                }
            });
        }
        started.await();
        Thread.sleep(50);
        classifier.close();
        pool.shutdown();
        assertTrue(pool.awaitTermination(5, TimeUnit.MINUTES));
        assertEquals(List.of(), List.copyOf(unexpected));
        assertTrue(refused.get() > 0, "calls after close are refused");
        assertThrows(HeadwiseException.class, () -> classifier.predict("after close"));
    }

    /** Empty, huge, control-character, right-to-left and emoji texts all get a prediction; long ones say they were cut. */
    @Test
    void extremeInputs() {
        try (var classifier = Classifier.load(dir)) {
            String huge = "word ".repeat(200_000); // 1 MB
            var inputs = List.of("", " ", huge, "\u0000\u0001\u0007 bell \u001b[31m red \r\n", "שלום עולם مرحبا بالعالم",
                    "🎉🚀👍🏽 family: 👨‍👩‍👧‍👦", "\uFEFF zero\u200Bwidth");
            var predictions = classifier.predict(inputs);
            assertEquals(inputs.size(), predictions.size());
            for (int i = 0; i < inputs.size(); i++) {
                assertEquals(2, predictions.get(i).labels().size(), "a path for input " + i);
                assertEquals(i == 2, predictions.get(i).truncated(), "truncation flag of input " + i);
            }
            assertFalse(classifier.predict("short").truncated());
        }
    }

    /** A model trained with head+tail truncation reads the beginning and the end of a long text, nothing between. */
    @Test
    void readsHeadAndTailAsTrainingDid() {
        Path headTail = dir.resolve("head-tail");
        torch.manual_seed(9);
        var saved = new HeadwiseConfig(new Truncation(12, 4), null, null, null, null, null, null, null);
        var config = new ClassifierConfig(TinyModels.distilbert().withSize(30522, 16, 1, 2, 32, 128),
                TinyModels.heads(Task.HIERARCHICAL), null, saved);
        ModelFiles.save(TextClassifier.create(config, TinyModels.CPU), headTail);
        BundledModels.ALL_MINILM_L6_V2.copyTokenizerTo(headTail.resolve("tokenizer.json"));
        try (var classifier = Classifier.load(headTail)) {
            assertEquals(new Truncation(12, 4), classifier.truncation());
            // 20 one-token words; [CLS] + 6 words + the last 4 + [SEP] make 12 tokens.
            var cut = classifier.predict("one two three four five six eleven twelve thirteen fourteen fifteen sixteen "
                    + "seventeen eighteen nineteen twenty");
            var kept = classifier.predict("one two three four five six seventeen eighteen nineteen twenty");
            assertTrue(cut.truncated());
            assertFalse(kept.truncated());
            assertEquals(kept.levels(), cut.levels());
            assertNotEquals(kept.levels(), classifier.predict("one two three four five six seven eight nine ten").levels(),
                    "a different ending gives different scores");
        }
    }
}
