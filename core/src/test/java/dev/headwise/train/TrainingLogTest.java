package dev.headwise.train;

import dev.headwise.HeadwiseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a run's log hands its progress display, and the plain lines printed without one. */
class TrainingLogTest {
    @TempDir
    Path tmp;

    /** Records what the log asks of it. */
    private static final class RecordedProgress implements TrainingLog.Progress {
        final List<String> calls = new ArrayList<>();

        @Override
        public void show(long step, String summary) {
            calls.add("show " + step + " " + summary);
        }

        @Override
        public void pause() {
            calls.add("pause");
        }

        @Override
        public void resume() {
            calls.add("resume");
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    @Test
    void theDisplayShowsEachStepAndIsClosedAtTheLastWhileLinesGoAboveIt() {
        var progress = new RecordedProgress();
        var console = new ArrayList<String>();
        try (var log = new TrainingLog(tmp.resolve("metrics.jsonl"), console::add, progress, -1)) {
            log.step(1, 2, 0, 0.5, 1e-3, Double.NaN, 10, 1, 1, Double.NaN);
            log.info("a line");
            log.step(2, 2, 0, 0.25, 1e-3, Double.NaN, 10, 1, 0, Double.NaN);
            log.info("after the last step");
        }
        assertEquals(List.of("show 1 epoch 0 loss 0.5000 lr 1.00e-03 10.0 samples/s", "pause", "resume",
                "show 2 epoch 0 loss 0.2500 lr 1.00e-03 10.0 samples/s", "close"), progress.calls);
        assertEquals(List.of("a line", "after the last step"), console,
                "steps go to the display only");
    }

    @Test
    void withoutADisplayEachStepIsAPlainLine() {
        var console = new ArrayList<String>();
        try (var log = new TrainingLog(tmp.resolve("metrics.jsonl"), console::add, null, -1)) {
            log.step(1, 2, 0, 0.5, 1e-3, Double.NaN, 10, 1, 90, Double.NaN);
        }
        assertEquals(List.of("step 1/2  epoch 0 loss 0.5000 lr 1.00e-03 10.0 samples/s  eta 1m30s"), console);
    }

    @Test
    void aLogThatCannotBeWrittenClosesItsDisplay() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "");
        var progress = new RecordedProgress();
        var e = assertThrows(HeadwiseException.class,
                () -> new TrainingLog(file.resolve("metrics.jsonl"), TrainListener.SILENT, progress, -1));
        assertTrue(e.getMessage().startsWith("cannot write "), e.getMessage());
        assertEquals(List.of("close"), progress.calls);
        assertFalse(Files.exists(file.resolve("metrics.jsonl")));
    }
}
