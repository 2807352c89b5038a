package dev.headwise.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Locale;

/**
 * What a run reports: one JSON record per logging step and per evaluation in {@code metrics.jsonl}, and
 * either a {@link Progress} display (the CLI's progress bar on a terminal) or plain periodic lines (in logs and CI).
 */
public final class TrainingLog implements AutoCloseable {
    /** A live display of the steps done, such as a terminal progress bar; lines printed meanwhile go above it. */
    public interface Progress extends AutoCloseable {
        /** Shows {@code step} as done, with a short summary of the latest record. */
        void show(long step, String summary);

        /** Stops redrawing while a line is printed. */
        void pause();

        void resume();

        @Override
        void close();
    }

    private final BufferedWriter jsonl; // null for a rank other than 0, which reports nothing
    private final TrainListener listener;
    /** Null without a display, and once the last step is shown (so that later lines do not redraw it). */
    private Progress progress;

    /** The log of a rank other than 0: nothing is written or printed. */
    public static TrainingLog silent() {
        return new TrainingLog();
    }

    private TrainingLog() {
        jsonl = null;
        listener = TrainListener.SILENT;
        progress = null;
    }

    /**
     * @param progress  the display of the steps done, already at {@code resumedAt}, closed with this log; null
     *                  prints periodic lines instead
     * @param resumedAt when resuming, records after this step (written by the interrupted run after its
     *                  last checkpoint) are dropped so the file reads as one uninterrupted run; -1 starts afresh
     */
    public TrainingLog(Path metricsJsonl, TrainListener listener, Progress progress, long resumedAt) {
        this.listener = listener;
        try {
            jsonl = open(metricsJsonl, resumedAt);
        } catch (RuntimeException e) {
            if (progress != null) progress.close();
            throw e;
        }
        this.progress = progress;
    }

    private static BufferedWriter open(Path metricsJsonl, long resumedAt) {
        try {
            Files.createDirectories(metricsJsonl.toAbsolutePath().getParent());
            if (resumedAt >= 0 && Files.exists(metricsJsonl)) {
                var kept = new ArrayList<String>();
                for (String line : Files.readAllLines(metricsJsonl, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && step(line) <= resumedAt) kept.add(line);
                }
                dev.headwise.io.AtomicFiles.write(metricsJsonl, tmp -> Files.write(tmp, kept, StandardCharsets.UTF_8));
            } else {
                Files.deleteIfExists(metricsJsonl);
            }
            return Files.newBufferedWriter(metricsJsonl, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new HeadwiseException("cannot write " + metricsJsonl + ": " + e.getMessage(), e);
        }
    }

    /** The step of a record; a line torn by a kill reads as past every step, so that it is dropped. */
    private static long step(String line) {
        try {
            return Json.MAPPER.readTree(line).path("step").asLong();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * @param windowSeconds    the time of the steps since the previous record, for summing without evaluation
     * @param allReduceSeconds of that time, what the gradient all-reduces took (NaN for one process)
     */
    void step(long step, long total, int epoch, double loss, double lr, double gradNorm, double samplesPerSecond,
              double windowSeconds, double etaSeconds, double allReduceSeconds) {
        ObjectNode r = Json.MAPPER.createObjectNode().put("type", "train").put("step", step).put("epoch", epoch)
                .put("loss", loss).put("lr", lr).put("samples_per_s", samplesPerSecond).put("window_s", windowSeconds);
        if (!Double.isNaN(gradNorm)) r.put("grad_norm", gradNorm);
        if (!Double.isNaN(allReduceSeconds)) r.put("allreduce_s", allReduceSeconds);
        write(r);
        String extra = String.format(Locale.ROOT, "epoch %d loss %.4f lr %.2e %.1f samples/s", epoch, loss, lr,
                samplesPerSecond);
        if (progress != null) {
            progress.show(step, extra);
            if (step >= total) {
                progress.close();
                progress = null;
            }
        } else {
            listener.info(String.format(Locale.ROOT, "step %d/%d  %s  eta %s", step, total, extra, duration(etaSeconds)));
        }
    }

    void eval(long step, int epoch, Evaluator.Result result) {
        ObjectNode r = Json.MAPPER.createObjectNode().put("type", "eval").put("step", step).put("epoch", epoch);
        result.summary().forEach(r::put);
        write(r);
        var line = new StringBuilder("eval @ step ").append(step).append(':');
        result.summary().forEach((k, v) -> line.append(String.format(Locale.ROOT, "  %s %.4f", k, v)));
        info(line.toString());
    }

    /** A line for the person watching, printed above the progress display if there is one. */
    public void info(String line) {
        if (progress != null) progress.pause();
        listener.info(line);
        if (progress != null) progress.resume();
    }

    private void write(ObjectNode record) {
        if (jsonl == null) return;
        try {
            jsonl.write(Json.MAPPER.writeValueAsString(record));
            jsonl.newLine();
            jsonl.flush();
        } catch (IOException e) {
            throw new HeadwiseException("cannot append to metrics.jsonl: " + e.getMessage(), e);
        }
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60);
    }

    @Override
    public void close() {
        if (progress != null) progress.close();
        if (jsonl == null) return;
        try {
            jsonl.close();
        } catch (IOException e) {
            throw new HeadwiseException("cannot close metrics.jsonl: " + e.getMessage(), e);
        }
    }
}
