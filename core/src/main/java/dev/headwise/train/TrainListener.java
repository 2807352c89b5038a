package dev.headwise.train;

import java.nio.file.Path;

/** What a training run tells the person watching it, and how they stop it. */
@FunctionalInterface
public interface TrainListener {
    /** Prints nothing and never stops a run. */
    TrainListener SILENT = line -> {};

    /** A line of the run's report: the data, the model, the steps and evaluations, the results. */
    void info(String line);

    /**
     * A live display of a run's {@code totalSteps} steps (the CLI's progress bar on a terminal), at
     * {@code doneSteps} already when the run resumes; null shows them as periodic lines.
     */
    default TrainingLog.Progress progress(long totalSteps, long doneSteps) {
        return null;
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
