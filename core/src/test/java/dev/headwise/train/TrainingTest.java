package dev.headwise.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.data.DatasetSpec;
import dev.headwise.data.LabelScheme;
import dev.headwise.infer.Classifier;
import dev.headwise.infer.Prediction;
import dev.headwise.io.Json;
import dev.headwise.testing.TinyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Training} and {@link Evaluation} end to end on a tiny from-scratch model and generated texts. */
class TrainingTest {
    private static final DatasetSpec SPEC = DatasetSpec.of("text", new LabelScheme.ClassColumn(Task.MULTICLASS, "label"));
    private static final List<List<String>> WORDS = List.of(List.of("stocks", "shares", "market", "bank"),
            List.of("rain", "storm", "cloud", "wind"), List.of("goal", "match", "team", "coach"));
    private static final List<String> LABELS = List.of("markets", "weather", "sport");

    @TempDir
    Path tmp;

    /** {@code rows} texts of a few words of one topic each, labelled by topic. */
    private Path csv(String name, int rows, long seed, String... extraRows) throws IOException {
        var rnd = new SplittableRandom(seed);
        var sb = new StringBuilder("text,label\n");
        for (int i = 0; i < rows; i++) {
            int topic = i % LABELS.size();
            var text = new ArrayList<String>();
            for (int w = 0; w < 4; w++) text.add(WORDS.get(topic).get(rnd.nextInt(4)));
            sb.append(String.join(" ", text)).append(',').append(LABELS.get(topic)).append('\n');
        }
        for (String row : extraRows) sb.append(row).append('\n');
        return Files.writeString(tmp.resolve(name), sb);
    }

    private TrainRequest.Builder request(Path data, Path out) throws IOException {
        Path config = TinyConfig.write(tmp.resolve("tiny"));
        return TrainRequest.builder(data, SPEC, config, out).fromScratch(true)
                .options(TrainOptions.builder().epochs(8).batchSize(8).lr(3e-3).warmupRatio(0.1).seed(5).build());
    }

    @Test
    void theSavedModelScoresAndPredictsAsTheResultReports() throws Exception {
        Path out = tmp.resolve("run");
        Path test = csv("test.csv", 24, 2);
        var lines = new ArrayList<String>();
        TrainResult result = Training.run(request(csv("train.csv", 90, 1), out).testData(test).build(), lines::add);

        assertEquals(TrainResult.Status.FINISHED, result.status());
        assertEquals(out, result.model());
        assertTrue(lines.getFirst().matches("data: 90 examples \\(8\\d train, \\d eval, 0 test\\)"), lines.toString());
        assertTrue(lines.getLast().startsWith("trained "), lines.toString());
        assertTrue(lines.contains("test split (24 examples):"), lines.toString());
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json", "metrics.jsonl",
                "eval_metrics.json", "test_metrics.json")) {
            assertTrue(Files.isRegularFile(out.resolve(file)), file);
        }
        assertFalse(Files.exists(tmp.resolve(".run.partial")), "the run folder is renamed into place");
        JsonNode data = Json.MAPPER.readTree(out.resolve("config.json").toFile()).path("headwise").path("data");
        assertEquals("label", data.path("label_column").asText(), data.toString());
        assertEquals("multiclass", data.path("task").asText(), data.toString());

        // The model learnt the topics, and the saved folder scores as the run reported.
        double accuracy = result.test().get("accuracy");
        assertTrue(accuracy > 0.9, "test accuracy " + accuracy + " after " + lines);
        var scored = Evaluation.run(Evaluation.Request.of(out, test, SPEC));
        assertEquals(24, scored.examples());
        assertEquals(accuracy, scored.scores().get("accuracy"));
        assertEquals(result.test().get("eval_loss"), scored.scores().get("eval_loss"), 1e-5);
        try (Classifier classifier = Classifier.load(out)) {
            List<String> texts = Files.readAllLines(test).stream().skip(1).map(l -> l.substring(0, l.indexOf(','))).toList();
            List<Prediction> predicted = classifier.predict(texts);
            long right = 0;
            for (int i = 0; i < texts.size(); i++) {
                if (predicted.get(i).labels().equals(List.of(LABELS.get(i % LABELS.size())))) right++;
            }
            assertEquals(accuracy, right / (double) texts.size(), 1e-9);
        }
    }

    @Test
    void evaluationCountsAndReportsRowsWithUnseenLabels() throws Exception {
        Path out = tmp.resolve("run");
        Training.run(request(csv("train.csv", 30, 1), out).options(TrainOptions.builder().epochs(1).build()).build());
        var said = new ArrayList<String>();
        var scored = Evaluation.run(Evaluation.Request.of(out, csv("eval.csv", 6, 3, "snow fell,winter", "ice,winter"),
                SPEC), said::add);
        assertEquals(6, scored.examples());
        assertEquals(2, scored.unseenLabelRows());
        assertEquals(2, scored.unseenLabels().get("winter"));
        assertEquals(List.of("2 rows with labels never seen in training were left out: {winter=2}"), said);
    }

    @Test
    void aStoppedRunResumesFromItsCheckpointToTheSameStepCount() throws Exception {
        Path out = tmp.resolve("run");
        Path data = csv("train.csv", 48, 1);
        var options = TrainOptions.builder().epochs(3).batchSize(8).lr(1e-2).seed(5).logEvery(1).build();
        var stop = new AtomicBoolean();
        TrainListener stopAtTwo = new TrainListener() {
            @Override
            public void info(String line) {
                if (line.startsWith("step 2/")) stop.set(true);
            }

            @Override
            public boolean stopRequested() {
                return stop.get();
            }
        };
        TrainResult stopped = Training.run(request(data, out).options(options).build(), stopAtTwo);
        assertEquals(TrainResult.Status.INTERRUPTED, stopped.status());
        assertEquals(2, stopped.outcome().steps());
        assertFalse(Files.exists(out), "an interrupted run is not published");
        assertTrue(Files.isDirectory(tmp.resolve(".run.partial")));

        TrainResult resumed = Training.run(request(data, out).options(options).resume(true).build());
        assertEquals(TrainResult.Status.FINISHED, resumed.status());
        assertEquals(3 * 6, resumed.outcome().steps(), "three epochs of six batches of the 43 train rows");
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));

        TrainResult again = Training.run(request(data, out).resume(true).build());
        assertEquals(TrainResult.Status.ALREADY_FINISHED, again.status());
        assertNull(again.outcome());
    }

    @Test
    void aRejectedRequestWritesNothing() throws Exception {
        Path out = tmp.resolve("run");
        Path data = csv("train.csv", 30, 1);
        var badMetric = request(data, out).options(TrainOptions.builder().metric("no_such_metric").build()).build();
        assertThrows(HeadwiseException.class, () -> Training.run(badMetric));
        var missingColumn = TrainRequest.builder(data, DatasetSpec.of("body", SPEC.labels()), tmp.resolve("tiny"), out)
                .fromScratch(true).build();
        var e = assertThrows(HeadwiseException.class, () -> Training.run(missingColumn));
        assertTrue(e.getMessage().contains("body"), e.getMessage());
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(tmp.resolve(".run.partial")));
    }
}
