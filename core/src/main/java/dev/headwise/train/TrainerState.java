package dev.headwise.train;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a run stands, saved with each checkpoint as {@code trainer_state.json}: enough, with the weights,
 * optimizer moments and RNG state, to continue exactly where it stopped.
 *
 * @param epoch     the epoch of the next batch
 * @param batch     the index of the next batch within that epoch's plan
 * @param bestStep  the step whose checkpoint scored best so far, or -1
 * @param bestEvalLoss that checkpoint's eval loss, which breaks ties of the metric (null in checkpoints of
 *                     earlier versions)
 */
public record TrainerState(@JsonProperty("global_step") long step, @JsonProperty("epoch") int epoch,
                           @JsonProperty("batch_in_epoch") int batch, @JsonProperty("best_metric") Double bestMetric,
                           @JsonProperty("best_step") long bestStep,
                           @JsonProperty("evals_without_improvement") int evalsWithoutImprovement,
                           @JsonProperty("best_eval_loss") Double bestEvalLoss) {

    static TrainerState start() {
        return new TrainerState(0, 0, 0, null, -1, 0, null);
    }

    /** The state after {@code batch} of {@code epoch}, which completed optimizer step {@code step}. */
    TrainerState at(long step, int epoch, int batch) {
        return new TrainerState(step, epoch, batch, bestMetric, bestStep, evalsWithoutImprovement, bestEvalLoss);
    }

    /**
     * The state after an evaluation at the current step: a new best when {@code metric} improves, or ties
     * and the eval loss is no higher (the later, usually better-trained checkpoint wins a full tie).
     */
    TrainerState evaluated(double metric, double evalLoss, boolean higherIsBetter) {
        if (isBetter(metric, evalLoss, higherIsBetter)) return new TrainerState(step, epoch, batch, metric, step, 0, evalLoss);
        return new TrainerState(step, epoch, batch, bestMetric, bestStep, evalsWithoutImprovement + 1, bestEvalLoss);
    }

    boolean isBetter(double metric, double evalLoss, boolean higherIsBetter) {
        if (bestMetric == null) return true;
        if (metric != bestMetric.doubleValue()) return higherIsBetter ? metric > bestMetric : metric < bestMetric;
        return bestEvalLoss == null || !(evalLoss > bestEvalLoss);
    }
}
