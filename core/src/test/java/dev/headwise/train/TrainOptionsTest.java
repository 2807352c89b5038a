package dev.headwise.train;

import dev.headwise.HeadwiseException;
import dev.headwise.data.LengthGrouping;
import dev.headwise.model.Precision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TrainOptionsTest {
    @Test
    void theBuilderStartsFromTheDefaultsTheCommandLineShows() {
        TrainOptions o = TrainOptions.defaults();
        assertEquals(3, o.epochs());
        assertEquals(16, o.batchSize());
        assertEquals(5e-5, o.lr());
        assertEquals(LrSchedule.Kind.LINEAR, o.schedule());
        assertEquals(new AdamW.Options(0.9, 0.999, 1e-8, 0.01), o.adamw());
        assertEquals(1.0, o.maxGradNorm());
        assertEquals(42, o.seed());
        assertEquals(2, o.keepLast());
        assertEquals(10, o.logEvery());
        assertEquals(LengthGrouping.NONE, o.grouping());
        assertEquals(Precision.FP32, o.precision());
        assertNull(o.metric());
        assertEquals(AdamW.Options.defaults(), o.adamw());
    }

    @Test
    void theEvalBatchFollowsTheTrainingBatchUnlessSet() {
        assertEquals(32, TrainOptions.builder().batchSize(8).build().evalBatchSize());
        assertEquals(64, TrainOptions.builder().batchSize(32).build().evalBatchSize());
        assertEquals(5, TrainOptions.builder().batchSize(32).evalBatchSize(5).build().evalBatchSize());
    }

    @Test
    void badValuesAreRejectedNamingTheirOption() {
        var e = assertThrows(HeadwiseException.class, () -> TrainOptions.builder().batchSize(0).build());
        assertEquals("--batch-size must be at least 1, got 0.", e.getMessage());
        e = assertThrows(HeadwiseException.class, () -> TrainOptions.builder().epochs(0).build());
        assertEquals("--epochs or --max-steps must be at least 1, got --epochs 0.", e.getMessage());
        e = assertThrows(HeadwiseException.class, () -> TrainOptions.builder().warmupRatio(1.5).build());
        assertEquals("--warmup-ratio must be in [0, 1].", e.getMessage());
        e = assertThrows(HeadwiseException.class, () -> TrainOptions.builder().adamEps(0).build());
        assertEquals("AdamW eps must be positive, got 0.0.", e.getMessage());
    }
}
