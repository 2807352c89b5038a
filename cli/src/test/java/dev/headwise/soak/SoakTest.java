package dev.headwise.soak;

import dev.headwise.Task;
import dev.headwise.cli.ChildJvm;
import dev.headwise.infer.Classifier;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.Loss;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TinyModels;
import dev.headwise.testing.ProcessMemory;
import dev.headwise.train.AdamW;
import dev.headwise.train.TrainingStep;
import dev.headwise.weights.onnx.BundledModels;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long runs, not part of the default suite (minutes): memory stays flat over 10,000 training steps and
 * 100,000 predictions, and a 100,000-row prediction file streams through a 64 MB heap. Run with
 * {@code ./mvnw test -Dhw.excludedGroups=jazzer -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("soak")
class SoakTest {
    @TempDir
    Path tmp;

    @Test
    void tenThousandTrainingSteps() {
        torch.manual_seed(1);
        var heads = TinyModels.heads(Task.MULTILABEL);
        var model = TextClassifier.create(new ClassifierConfig(TinyModels.bert(), heads), TinyModels.CPU);
        var batch = TinyModels.input(heads, 3, 8, 16);
        var step = new TrainingStep(model, new Loss(heads, Loss.LossOptions.NONE),
                new AdamW(model.parameters(), AdamW.Options.defaults(), true), 1.0);
        long[] rss = new long[11];
        long[] heap = new long[11];
        for (int i = 0; i <= 10_000; i++) {
            if (i % 1000 == 0) {
                System.gc();
                rss[i / 1000] = ProcessMemory.rssKb();
                heap[i / 1000] = ProcessMemory.mallocInUseBytes() / 1024;
            }
            if (i == 10_000) break;
            try (var scope = new PointerScope()) {
                step.accumulate(batch, 1.0);
                step.update(1e-4);
            }
        }
        report("training steps", rss, heap);
        assertTrue(heap[10] - heap[1] < 4 * 1024, "native heap grew " + (heap[10] - heap[1]) + " kB from step 1,000 to 10,000");
    }

    @Test
    void hundredThousandPredictions() throws Exception {
        Path dir = tinyClassifier();
        try (var classifier = Classifier.load(dir)) {
            long[] rss = new long[11];
            long[] heap = new long[11];
            for (int i = 0; i <= 100_000; i++) {
                if (i % 10_000 == 0) {
                    System.gc();
                    rss[i / 10_000] = ProcessMemory.rssKb();
                    heap[i / 10_000] = ProcessMemory.mallocInUseBytes() / 1024;
                }
                if (i == 100_000) break;
                classifier.predict("prediction number " + i);
            }
            report("predictions (x10)", rss, heap);
            assertTrue(heap[10] - heap[1] < 4 * 1024, "native heap grew " + (heap[10] - heap[1]) + " kB");
        }
    }

    @Test
    void hundredThousandRowFileStreamsThroughASmallHeap() throws Exception {
        Path dir = tinyClassifier();
        Path input = tmp.resolve("big.csv");
        try (BufferedWriter w = Files.newBufferedWriter(input)) {
            w.write("id,text\n");
            String filler = "lorem ipsum dolor sit amet ".repeat(24); // ~650 bytes a row, ~65 MB in all
            for (int i = 0; i < 100_000; i++) w.write(i + ",\"row " + i + " " + filler + "\"\n");
        }
        Path output = tmp.resolve("out.csv");
        Path log = tmp.resolve("predict.log");
        long start = System.nanoTime();
        Process p = ChildJvm.start(log, "64m", "predict", "--model", dir.toString(), "--input", input.toString(),
                "--output", output.toString(), "--text-column", "text", "--batch-size", "64");
        assertTrue(p.waitFor(30, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), Files.readString(log));
        System.out.printf("100,000-row file (%d MB) predicted with -Xmx64m in %.0f s%n", Files.size(input) >> 20,
                (System.nanoTime() - start) / 1e9);
        try (var lines = Files.lines(output)) {
            assertEquals(100_001, lines.count());
        }
    }

    private Path tinyClassifier() {
        torch.manual_seed(2);
        Path dir = tmp.resolve("model");
        var config = new ClassifierConfig(TinyModels.distilbert().withSize(30522, 16, 1, 2, 32, 128),
                TinyModels.heads(Task.MULTICLASS));
        ModelFiles.save(TextClassifier.create(config, TinyModels.CPU), dir);
        BundledModels.ALL_MINILM_L6_V2.copyTokenizerTo(dir.resolve("tokenizer.json"));
        return dir;
    }

    private static void report(String what, long[] rssKb, long[] nativeKb) {
        System.out.printf("%s: RSS kB by thousand %s; native heap kB %s%n", what, List.of(box(rssKb)), List.of(box(nativeKb)));
    }

    private static Long[] box(long[] v) {
        return java.util.Arrays.stream(v).boxed().toArray(Long[]::new);
    }
}
