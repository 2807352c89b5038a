package dev.headwise.train;

import java.nio.file.Path;

/**
 * What {@link Training#run} did.
 *
 * @param model   the run folder, a model directory {@code Classifier.load} reads once the run has finished
 * @param outcome the training loop's outcome; null when the folder already held a finished run
 * @param test    the saved model's scores on the test data, or null without test data
 */
public record TrainResult(Status status, Path model, Trainer.Outcome outcome, Evaluator.Result test) {
    public enum Status {
        /** Trained, saved and renamed into place. */
        FINISHED,
        /** Stopped on request after a checkpoint; a request with {@code resume} continues it. */
        INTERRUPTED,
        /** A resumed run folder that had already finished: nothing was done. */
        ALREADY_FINISHED
    }

    /** The saved model's scores on the eval data, or null without eval data. */
    public Evaluator.Result eval() {
        return outcome != null ? outcome.finalEval() : null;
    }
}
