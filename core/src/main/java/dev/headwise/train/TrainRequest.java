package dev.headwise.train;

import dev.headwise.HeadwiseException;
import dev.headwise.data.DatasetSpec;
import dev.headwise.distributed.World;
import dev.headwise.model.Devices;
import dev.headwise.model.Loss;
import dev.headwise.tokenize.Truncation;
import dev.headwise.tokenize.Windows;
import org.bytedeco.pytorch.Device;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link Training#run} trains: the data and how to read it, the model to start from, the run folder, and
 * {@link TrainOptions}. Built with {@link #builder}; unset values take {@link TrainOptions.Defaults}.
 */
public final class TrainRequest {
    final Path data;
    final DatasetSpec spec;
    final Path model;
    final Path out;
    final Path evalData;
    final double evalSplit;
    final Path testData;
    final double testSplit;
    final boolean stratify;
    final boolean fromScratch;
    final Path tokenizer;
    final TrainOptions options;
    final Truncation truncation;
    final Windows windows;
    final boolean consistentDecoding;
    final Loss.LossOptions lossWeights;
    final boolean resume;
    final boolean overwrite;
    final Device device;
    final World world;
    final Duration timeout;

    private TrainRequest(Builder b) {
        data = b.data;
        spec = b.spec;
        model = b.model;
        out = b.out;
        evalData = b.evalData;
        evalSplit = evalData != null ? 0 : b.evalSplit != null ? b.evalSplit : Double.parseDouble(TrainOptions.Defaults.EVAL_SPLIT);
        testData = b.testData;
        testSplit = testData != null ? 0 : b.testSplit;
        stratify = b.stratify;
        fromScratch = b.fromScratch;
        tokenizer = b.tokenizer;
        options = b.options;
        truncation = b.truncation;
        windows = b.windows;
        consistentDecoding = b.consistentDecoding;
        lossWeights = b.lossWeights;
        resume = b.resume;
        overwrite = b.overwrite;
        device = b.device != null ? b.device : Devices.parse("cpu");
        world = b.world;
        timeout = b.timeout;
        if (windows != null) {
            if (truncation.tailTokens() > 0) {
                throw new HeadwiseException("--windows reads a whole text; it does not go with --tail-tokens.");
            }
            windows.check(truncation.maxLength());
        }
    }

    /**
     * @param data  the training data (CSV, TSV or JSONL)
     * @param spec  its text and label columns
     * @param model a pretrained model directory, or with {@link Builder#fromScratch} a config.json (or its directory)
     * @param out   the run folder, written beside it as {@code .NAME.partial} and renamed into place when finished
     */
    public static Builder builder(Path data, DatasetSpec spec, Path model, Path out) {
        return new Builder(data, spec, model, out);
    }

    /** The run folder. */
    public Path out() {
        return out;
    }

    /** The checked options of the run. */
    public TrainOptions options() {
        return options;
    }

    /** Collects a request; {@link #build()} checks it. */
    public static final class Builder {
        private final Path data;
        private final DatasetSpec spec;
        private final Path model;
        private final Path out;
        private Path evalData;
        private Double evalSplit;
        private Path testData;
        private double testSplit = Double.parseDouble(TrainOptions.Defaults.TEST_SPLIT);
        private boolean stratify;
        private boolean fromScratch;
        private Path tokenizer;
        private TrainOptions options = TrainOptions.defaults();
        private Truncation truncation = new Truncation(Integer.parseInt(TrainOptions.Defaults.MAX_LENGTH),
                Integer.parseInt(TrainOptions.Defaults.TAIL_TOKENS));
        private Windows windows;
        private boolean consistentDecoding = true;
        private Loss.LossOptions lossWeights = Loss.LossOptions.NONE;
        private boolean resume;
        private boolean overwrite;
        private Device device;
        private World world = World.single();
        private Duration timeout = Duration.ofSeconds(Long.parseLong(TrainOptions.Defaults.DIST_TIMEOUT_SECONDS));

        private Builder(Path data, DatasetSpec spec, Path model, Path out) {
            this.data = Objects.requireNonNull(data, "data");
            this.spec = Objects.requireNonNull(spec, "spec");
            this.model = Objects.requireNonNull(model, "model");
            this.out = Objects.requireNonNull(out, "out");
        }

        /** Evaluation data; without it a fraction of the training data is held out. */
        public Builder evalData(Path evalData) {
            this.evalData = evalData;
            return this;
        }

        /** The fraction of the training data held out for evaluation when there is no eval data. */
        public Builder evalSplit(double fraction) {
            this.evalSplit = fraction;
            return this;
        }

        /** Test data, scored once with the saved model. */
        public Builder testData(Path testData) {
            this.testData = testData;
            return this;
        }

        /** The fraction of the training data held out for the test when there is no test data. */
        public Builder testSplit(double fraction) {
            this.testSplit = fraction;
            return this;
        }

        /** Stratify the splits by label. */
        public Builder stratify(boolean stratify) {
            this.stratify = stratify;
            return this;
        }

        /** Random initialisation from the model's config.json instead of pretrained weights. */
        public Builder fromScratch(boolean fromScratch) {
            this.fromScratch = fromScratch;
            return this;
        }

        /** The tokenizer file or directory; null: the one in the model's directory. */
        public Builder tokenizer(Path tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        public Builder options(TrainOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** The tokens kept of a text, at most the model's positions. */
        public Builder truncation(Truncation truncation) {
            this.truncation = Objects.requireNonNull(truncation, "truncation");
            return this;
        }

        /** Read long texts as windows of the truncation's length; null truncates them. */
        public Builder windows(Windows windows) {
            this.windows = windows;
            return this;
        }

        /** Hierarchical: decode the levels along the hierarchy (the default) or independently. */
        public Builder consistentDecoding(boolean consistentDecoding) {
            this.consistentDecoding = consistentDecoding;
            return this;
        }

        public Builder lossWeights(Loss.LossOptions lossWeights) {
            this.lossWeights = Objects.requireNonNull(lossWeights, "lossWeights");
            return this;
        }

        /** Continue the unfinished run in the run folder from its newest checkpoint. */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** Replace an existing run folder once the new run has finished. */
        public Builder overwrite(boolean overwrite) {
            this.overwrite = overwrite;
            return this;
        }

        /** Null: the CPU. */
        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        /** This process's place in a data-parallel run, and how long it waits for the others. */
        public Builder distributed(World world, Duration timeout) {
            this.world = Objects.requireNonNull(world, "world");
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public TrainRequest build() {
            return new TrainRequest(this);
        }
    }
}
