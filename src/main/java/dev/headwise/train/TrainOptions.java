package dev.headwise.train;

import dev.headwise.HeadwiseException;
import dev.headwise.data.LengthGrouping;
import dev.headwise.model.Precision;

/**
 * How to train, with HF {@code TrainingArguments}-like defaults.
 *
 * @param epochs          passes over the training data (ignored when {@code maxSteps} > 0)
 * @param maxSteps        optimizer steps to run; 0 means {@code epochs} decides
 * @param warmupSteps     linear warmup in steps; when 0, {@code warmupRatio} x total steps
 * @param evalEvery       evaluate every N optimizer steps; 0 means at the end of each epoch
 * @param saveEvery       checkpoint every N optimizer steps; 0 means at the end of each epoch
 * @param keepLast        how many checkpoints to keep (the best one is kept as well)
 * @param metric          the eval metric that picks the best checkpoint; null means the task's default
 * @param patience        stop after this many evaluations without improvement; 0 disables early stopping
 * @param logEvery        write a log record every N optimizer steps
 * @param precision       fp32, or bf16 autocast for forward passes (weights and optimizer state stay fp32)
 */
public record TrainOptions(int epochs, long maxSteps, int batchSize, int gradientAccumulation, double lr,
                           long warmupSteps, double warmupRatio, LrSchedule.Kind schedule, AdamW.Options adamw,
                           double maxGradNorm, long seed, boolean freezeEncoder, LengthGrouping grouping,
                           int evalBatchSize, long evalEvery, long saveEvery, int keepLast, String metric,
                           int patience, int logEvery, Precision precision) {

    /** As the canonical constructor, in fp32. */
    public TrainOptions(int epochs, long maxSteps, int batchSize, int gradientAccumulation, double lr, long warmupSteps,
                        double warmupRatio, LrSchedule.Kind schedule, AdamW.Options adamw, double maxGradNorm, long seed,
                        boolean freezeEncoder, LengthGrouping grouping, int evalBatchSize, long evalEvery, long saveEvery,
                        int keepLast, String metric, int patience, int logEvery) {
        this(epochs, maxSteps, batchSize, gradientAccumulation, lr, warmupSteps, warmupRatio, schedule, adamw, maxGradNorm,
                seed, freezeEncoder, grouping, evalBatchSize, evalEvery, saveEvery, keepLast, metric, patience, logEvery,
                Precision.FP32);
    }

    public TrainOptions {
        if (precision == null) throw new HeadwiseException("precision is missing.");
        if (epochs < 1 && maxSteps < 1) throw new HeadwiseException("--epochs or --max-steps must be at least 1, got --epochs " + epochs + ".");
        if (batchSize < 1) throw new HeadwiseException("--batch-size must be at least 1, got " + batchSize + ".");
        if (!(lr > 0 && Double.isFinite(lr))) throw new HeadwiseException("--lr must be a positive number, got " + lr + ".");
        if (!(maxGradNorm >= 0)) throw new HeadwiseException("--max-grad-norm must be >= 0 (0 disables clipping), got " + maxGradNorm + ".");
        if (maxSteps < 0) throw new HeadwiseException("--max-steps must not be negative.");
        if (gradientAccumulation < 1) throw new HeadwiseException("--grad-accum must be at least 1.");
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) throw new HeadwiseException("--warmup-ratio must be in [0, 1].");
        if (evalBatchSize < 1) throw new HeadwiseException("the evaluation batch size must be at least 1.");
        if (keepLast < 1) throw new HeadwiseException("--keep-last must be at least 1.");
        if (logEvery < 1) throw new HeadwiseException("--log-every must be at least 1.");
        if (patience < 0 || evalEvery < 0 || saveEvery < 0 || warmupSteps < 0) {
            throw new HeadwiseException("step counts and patience must not be negative.");
        }
    }

    /** HF Trainer defaults (lr 5e-5, batch 8 -> 16 here, 3 epochs, linear decay, no warmup). */
    public static TrainOptions defaults() {
        return new TrainOptions(3, 0, 16, 1, 5e-5, 0, 0.0, LrSchedule.Kind.LINEAR, AdamW.Options.defaults(), 1.0,
                42, false, LengthGrouping.NONE, 64, 0, 0, 2, null, 0, 10);
    }

}
