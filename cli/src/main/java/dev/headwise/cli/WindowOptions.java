package dev.headwise.cli;

import dev.headwise.HeadwiseException;
import dev.headwise.model.HeadwiseConfig;
import dev.headwise.tokenize.Windows;
import picocli.CommandLine.Option;

/** Sliding-window options: {@code train} records them in config.json; later commands read them from there unless given. */
public final class WindowOptions {
    @Option(names = "--windows",
            description = "Read a text longer than --max-length as consecutive windows of that many tokens, pooled per text (default: as trained; else head or head+tail).")
    boolean windows;
    @Option(names = "--window-overlap", paramLabel = "N", description = "With --windows: tokens two consecutive windows share (default: 0).")
    Integer overlap;
    @Option(names = "--window-pooling", paramLabel = "mean|max", description = "With --windows: how a text's windows' logits are pooled (default: mean).")
    String pooling;
    @Option(names = "--max-windows", paramLabel = "K", description = "With --windows: read at most the first K windows of a text (default: all).")
    Integer maxWindows;

    /** The windows asked for, or null without {@code --windows}; one clear error for a window option without it. */
    Windows requested() {
        if (!windows) {
            if (overlap != null || pooling != null || maxWindows != null) {
                throw new HeadwiseException("--window-overlap, --window-pooling and --max-windows need --windows.");
            }
            return null;
        }
        return new Windows(overlap != null ? overlap : 0, pooling != null ? Windows.Pooling.parse(pooling) : Windows.Pooling.MEAN,
                maxWindows != null ? maxWindows : Integer.MAX_VALUE);
    }

    /** The options that ask for {@link #requested()} again, for a command line to pass on or show. */
    java.util.List<String> args() {
        Windows w = requested();
        if (w == null) return java.util.List.of();
        var out = new java.util.ArrayList<>(java.util.List.of("--windows", "--window-overlap", Integer.toString(w.overlap()),
                "--window-pooling", w.pooling().id()));
        if (w.maxWindows() != Integer.MAX_VALUE) out.addAll(java.util.List.of("--max-windows", Integer.toString(w.maxWindows())));
        return out;
    }

    /** The windows asked for, else those a model records (null: it truncates). */
    Windows orSaved(HeadwiseConfig saved) {
        Windows asked = requested();
        return asked != null ? asked : saved.windows();
    }
}
