package dev.headwise.train;

import dev.headwise.HeadwiseException;
import dev.headwise.data.LengthGrouping;
import dev.headwise.model.Precision;

/**
 * How to train, with HF {@code TrainingArguments}-like defaults. Built with {@link #builder()}, which starts
 * from {@link Defaults}; the constructor checks every value.
 *
 * @param epochs        passes over the training data (ignored when {@code maxSteps} is above 0)
 * @param maxSteps      optimizer steps to run; 0 means {@code epochs} decides
 * @param lr            the peak learning rate
 * @param warmupSteps   linear warmup in steps; when 0, {@code warmupRatio} of all steps
 * @param maxGradNorm   gradient clipping; 0 disables it
 * @param seed          seed of the initialisation, shuffling and dropout
 * @param freezeEncoder train the heads only
 * @param evalEvery     evaluate every N optimizer steps; 0 means at the end of each epoch
 * @param saveEvery     checkpoint every N optimizer steps; 0 means at the end of each epoch
 * @param keepLast      how many checkpoints to keep (the best one is kept as well)
 * @param metric        the eval metric that picks the best checkpoint; null means the task's default
 * @param patience      stop after this many evaluations without improvement; 0 disables early stopping
 * @param logEvery      write a log record every N optimizer steps
 * @param precision     fp32, or bf16 autocast for forward passes (weights and optimizer state stay fp32)
 */
public record TrainOptions(int epochs, long maxSteps, int batchSize, int gradientAccumulation, double lr,
                           long warmupSteps, double warmupRatio, LrSchedule.Kind schedule, AdamW.Options adamw,
                           double maxGradNorm, long seed, boolean freezeEncoder, LengthGrouping grouping,
                           int evalBatchSize, long evalEvery, long saveEvery, int keepLast, String metric,
                           int patience, int logEvery, Precision precision) {
    /**
     * The defaults, as the text {@code headwise train --help} shows and parses, so that the command line and
     * the Java API start from the same values.
     */
    public static final class Defaults {
        public static final String EPOCHS = "3";
        public static final String MAX_STEPS = "0";
        public static final String BATCH_SIZE = "16";
        public static final String GRADIENT_ACCUMULATION = "1";
        public static final String LR = "5e-5";
        public static final String WARMUP_STEPS = "0";
        public static final String WARMUP_RATIO = "0";
        public static final String SCHEDULE = "linear";
        public static final String WEIGHT_DECAY = "0.01";
        public static final String ADAM_EPS = "1e-8";
        public static final String MAX_GRAD_NORM = "1.0";
        public static final String SEED = "42";
        public static final String EVAL_EVERY = "0";
        public static final String SAVE_EVERY = "0";
        public static final String KEEP_LAST = "2";
        public static final String PATIENCE = "0";
        public static final String LOG_EVERY = "10";
        /** Of a {@link TrainRequest}: tokens per text, at most the model's positions. */
        public static final String MAX_LENGTH = "128";
        public static final String TAIL_TOKENS = "0";
        /** Of a {@link TrainRequest}: the fraction of the data held out for evaluation without eval data. */
        public static final String EVAL_SPLIT = "0.1";
        public static final String TEST_SPLIT = "0";
        /** Of a {@link TrainRequest}: how long a data-parallel process waits for the others, in seconds. */
        public static final String DIST_TIMEOUT_SECONDS = "300";

        private Defaults() {}
    }

    public TrainOptions {
        if (precision == null) throw new HeadwiseException("precision is missing.");
        if (schedule == null || grouping == null) throw new HeadwiseException("the schedule and the length grouping are missing.");
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

    /** A builder holding the {@link Defaults}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The {@link Defaults}. */
    public static TrainOptions defaults() {
        return builder().build();
    }

    /** Collects options; {@link #build()} checks them. */
    public static final class Builder {
        private int epochs = Integer.parseInt(Defaults.EPOCHS);
        private long maxSteps = Long.parseLong(Defaults.MAX_STEPS);
        private int batchSize = Integer.parseInt(Defaults.BATCH_SIZE);
        private int gradientAccumulation = Integer.parseInt(Defaults.GRADIENT_ACCUMULATION);
        private double lr = Double.parseDouble(Defaults.LR);
        private long warmupSteps = Long.parseLong(Defaults.WARMUP_STEPS);
        private double warmupRatio = Double.parseDouble(Defaults.WARMUP_RATIO);
        private LrSchedule.Kind schedule = LrSchedule.Kind.parse(Defaults.SCHEDULE);
        private double weightDecay = Double.parseDouble(Defaults.WEIGHT_DECAY);
        private double adamEps = Double.parseDouble(Defaults.ADAM_EPS);
        private double maxGradNorm = Double.parseDouble(Defaults.MAX_GRAD_NORM);
        private long seed = Long.parseLong(Defaults.SEED);
        private boolean freezeEncoder;
        private LengthGrouping grouping = LengthGrouping.NONE;
        private Integer evalBatchSize;
        private long evalEvery = Long.parseLong(Defaults.EVAL_EVERY);
        private long saveEvery = Long.parseLong(Defaults.SAVE_EVERY);
        private int keepLast = Integer.parseInt(Defaults.KEEP_LAST);
        private String metric;
        private int patience = Integer.parseInt(Defaults.PATIENCE);
        private int logEvery = Integer.parseInt(Defaults.LOG_EVERY);
        private Precision precision = Precision.FP32;

        private Builder() {}

        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public Builder maxSteps(long maxSteps) {
            this.maxSteps = maxSteps;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder gradientAccumulation(int steps) {
            this.gradientAccumulation = steps;
            return this;
        }

        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        public Builder warmupSteps(long warmupSteps) {
            this.warmupSteps = warmupSteps;
            return this;
        }

        public Builder warmupRatio(double warmupRatio) {
            this.warmupRatio = warmupRatio;
            return this;
        }

        public Builder schedule(LrSchedule.Kind schedule) {
            this.schedule = schedule;
            return this;
        }

        /** AdamW weight decay, not applied to biases and LayerNorm. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder adamEps(double adamEps) {
            this.adamEps = adamEps;
            return this;
        }

        public Builder maxGradNorm(double maxGradNorm) {
            this.maxGradNorm = maxGradNorm;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Train the heads only. */
        public Builder freezeEncoder(boolean freezeEncoder) {
            this.freezeEncoder = freezeEncoder;
            return this;
        }

        public Builder grouping(LengthGrouping grouping) {
            this.grouping = grouping;
            return this;
        }

        /** The evaluation batch; unset, twice the training batch and at least 32. */
        public Builder evalBatchSize(int evalBatchSize) {
            this.evalBatchSize = evalBatchSize;
            return this;
        }

        public Builder evalEvery(long evalEvery) {
            this.evalEvery = evalEvery;
            return this;
        }

        public Builder saveEvery(long saveEvery) {
            this.saveEvery = saveEvery;
            return this;
        }

        public Builder keepLast(int keepLast) {
            this.keepLast = keepLast;
            return this;
        }

        /** Null: the task's default metric. */
        public Builder metric(String metric) {
            this.metric = metric;
            return this;
        }

        public Builder patience(int patience) {
            this.patience = patience;
            return this;
        }

        public Builder logEvery(int logEvery) {
            this.logEvery = logEvery;
            return this;
        }

        public Builder precision(Precision precision) {
            this.precision = precision;
            return this;
        }

        public TrainOptions build() {
            // Evaluation keeps no activations for backward, so it affords twice the training batch.
            return new TrainOptions(epochs, maxSteps, batchSize, gradientAccumulation, lr, warmupSteps, warmupRatio,
                    schedule, new AdamW.Options(AdamW.Options.BETA1, AdamW.Options.BETA2, adamEps, weightDecay),
                    maxGradNorm, seed, freezeEncoder, grouping,
                    evalBatchSize != null ? evalBatchSize : Math.max(32, batchSize * 2), evalEvery, saveEvery, keepLast,
                    metric, patience, logEvery, precision);
        }
    }
}
