package dev.headwise.train;

import java.nio.file.Path;

/** What a training run tells the person watching it, and how they stop it. */
@FunctionalInterface
public interface TrainListener {
    /** Prints nothing and never stops a run. */
    TrainListener SILENT = line -> {};

    /** A line of the run's report: the data, the model, the steps and evaluations, the results. */
    void info(String line);

    /** Whether the steps show as a redrawn progress bar (on a terminal) rather than as periodic lines. */
    default boolean progressBar() {
        return false;
    }

    /**
     * Called once the training steps are done, before the model is saved and the run folder published, with the
     * folder being written ({@code metrics.jsonl} complete there): a place for files of one's own, such as the
     * CLI's training curves.
     */
    default void trained(Path runFolder) {}

    /** Asked after each optimizer step: true stops the run there with a checkpoint it can be resumed from. */
    default boolean stopRequested() {
        return false;
    }
}
