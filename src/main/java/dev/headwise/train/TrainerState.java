package dev.headwise.train;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a run stands, saved with each checkpoint as {@code trainer_state.json}: enough, with the weights,
 * optimizer moments and RNG state, to continue exactly where it stopped.
 *
 * @param epoch     the epoch of the next batch
 * @param batch     the index of the next batch within that epoch's plan
 * @param bestStep  the step whose checkpoint scored best so far, or -1
 */
public record TrainerState(@JsonProperty("global_step") long step, @JsonProperty("epoch") int epoch,
                           @JsonProperty("batch_in_epoch") int batch, @JsonProperty("best_metric") Double bestMetric,
                           @JsonProperty("best_step") long bestStep,
                           @JsonProperty("evals_without_improvement") int evalsWithoutImprovement) {

    static TrainerState start() {
        return new TrainerState(0, 0, 0, null, -1, 0);
    }
}
