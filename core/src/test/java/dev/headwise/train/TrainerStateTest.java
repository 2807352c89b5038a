package dev.headwise.train;

import org.junit.jupiter.api.Test;
import dev.headwise.io.Json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The best-checkpoint rule: the metric first, then the lower eval loss, then the later step. */
class TrainerStateTest {
    private static TrainerState evalAt(TrainerState s, long step, double metric, double loss) {
        return s.at(step, 0, 0).evaluated(metric, loss, true);
    }

    @Test
    void aTieOnTheMetricGoesToTheLowerEvalLossThenToTheLaterStep() {
        var s = evalAt(TrainerState.start(), 10, 0.5, 0.82);
        assertEquals(10, s.bestStep());
        s = evalAt(s, 20, 0.5, 0.43);
        assertEquals(20, s.bestStep(), "same macro F1, lower loss");
        assertEquals(0.43, s.bestEvalLoss());
        s = evalAt(s, 30, 0.5, 0.60);
        assertEquals(20, s.bestStep(), "same macro F1, higher loss");
        assertEquals(1, s.evalsWithoutImprovement());
        s = evalAt(s, 40, 0.5, 0.43);
        assertEquals(40, s.bestStep(), "a full tie goes to the later, longer-trained step");
        assertEquals(0, s.evalsWithoutImprovement());
        s = evalAt(s, 50, 0.6, 0.90);
        assertEquals(50, s.bestStep(), "a better metric wins whatever the loss");
        s = evalAt(s, 60, 0.55, 0.10);
        assertEquals(50, s.bestStep(), "a worse metric loses whatever the loss");
    }

    @Test
    void lowerIsBetterForALossMetric() {
        var s = TrainerState.start().at(1, 0, 0).evaluated(0.7, 0.7, false);
        s = s.at(2, 0, 0).evaluated(0.5, 0.5, false);
        assertEquals(2, s.bestStep());
        s = s.at(3, 0, 0).evaluated(0.6, 0.6, false);
        assertEquals(2, s.bestStep());
    }

    @Test
    void aCheckpointFromBeforeTheRuleHasNoLossAndATieGoesToTheLaterStep() throws Exception {
        var json = "{\"global_step\":8,\"epoch\":1,\"batch_in_epoch\":0,\"best_metric\":0.5,\"best_step\":4,"
                + "\"evals_without_improvement\":1}";
        var old = Json.MAPPER.readValue(json, TrainerState.class);
        assertNull(old.bestEvalLoss());
        assertEquals(12, evalAt(old, 12, 0.5, 0.9).bestStep());
    }
}
