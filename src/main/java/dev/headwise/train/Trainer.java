package dev.headwise.train;

import dev.headwise.HeadwiseException;
import dev.headwise.data.BatchCollator;
import dev.headwise.data.BatchPlan;
import dev.headwise.data.BatchSampler;
import dev.headwise.data.LabeledDataset;
import dev.headwise.data.TokenizedCorpus;
import dev.headwise.model.Loss;
import dev.headwise.model.TextClassifier;
import dev.headwise.tokenize.TokenizerFiles;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The training loop: seeded per-epoch shuffling, gradient accumulation, warmup and decay, clipping,
 * periodic evaluation and checkpoints, best-model selection, early stopping and exact resume. Each
 * micro-batch runs inside its own {@link PointerScope}, so native memory stays flat however long it runs.
 */
public final class Trainer {
    /** One daemon thread collating batches ahead of the training loop. */
    private static final java.util.concurrent.Executor PREFETCH = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "headwise-prefetch");
        t.setDaemon(true);
        return t;
    });

    /** Rows of a tokenized dataset: its texts (when the corpus holds windows, each text's windows go with it). */
    public record Part(TokenizedCorpus corpus, LabeledDataset dataset, int[] rows) {
        /** The corpus rows of these texts: each window is an example carrying its text's labels. */
        public int[] examples() {
            return corpus.rowsOf(rows);
        }

        public static Part empty(TokenizedCorpus corpus, LabeledDataset dataset) {
            return new Part(corpus, dataset, new int[0]);
        }
    }

    /**
     * @param finalEval evaluation of the returned weights on the eval rows, or null without eval rows
     * @param best      the checkpoint whose weights the model now holds, or null
     */
    public record Outcome(long steps, Evaluator.Result finalEval, Path best, boolean stoppedEarly, boolean interrupted,
                          double trainSeconds, double samplesPerSecond) {}

    private final TextClassifier model;
    private final Loss loss;
    private final TrainOptions options;
    private final Checkpoints checkpoints;
    private final Evaluator.Options evalOptions;

    /**
     * @param checkpointDir where checkpoints go ({@code <out>/checkpoints})
     * @param tokenizer     written into each checkpoint so any checkpoint is a usable model directory; may be null
     */
    public Trainer(TextClassifier model, Loss loss, TrainOptions options, Path checkpointDir, TokenizerFiles.Saved tokenizer,
                   Evaluator.Options evalOptions) {
        this.model = model;
        this.loss = loss;
        this.options = options;
        this.checkpoints = new Checkpoints(checkpointDir, tokenizer);
        this.evalOptions = evalOptions;
    }

    /** Optimizer steps the run will take. */
    public long totalSteps(int trainRows) {
        if (options.maxSteps() > 0) return options.maxSteps();
        long batches = (trainRows + options.batchSize() - 1) / options.batchSize();
        return options.epochs() * Math.max(1, batches / options.gradientAccumulation());
    }

    /** Deletes the checkpoints' optimizer state once the run's outputs are saved: a finished run is not resumed. */
    public void dropOptimizerState() {
        checkpoints.dropOptimizerState();
    }

    /** The newest checkpoint to resume from, if any. */
    public java.util.Optional<Path> resumable() {
        return checkpoints.latest();
    }

    /**
     * Trains from the current weights, or from {@code resumeFrom} (a checkpoint of this run) when not null.
     * Seed libtorch before building the model; this method re-seeds for dropout at the start of a fresh run.
     */
    public Outcome train(Part train, Part eval, Path resumeFrom, TrainingLog log) {
        return train(train, eval, resumeFrom, log, step -> false);
    }

    /**
     * As {@link #train(Part, Part, Path, TrainingLog)}, stopping cleanly after the first optimizer step for
     * which {@code stop} answers true (Ctrl-C): a checkpoint is written there and the run can be resumed.
     */
    public Outcome train(Part train, Part eval, Path resumeFrom, TrainingLog log, java.util.function.LongPredicate stop) {
        if (train.rows().length == 0) throw new HeadwiseException("there are no training examples.");
        int[] examples = train.examples();
        var optimizer = new AdamW(model.parameters(), options.adamw(), !options.freezeEncoder());
        if (options.freezeEncoder()) freezeEncoder();
        var step = new TrainingStep(model, loss, optimizer, options.maxGradNorm(), options.precision());
        long total = totalSteps(examples.length);
        long warmup = options.warmupSteps() > 0 ? options.warmupSteps() : (long) Math.ceil(options.warmupRatio() * total);
        var schedule = new LrSchedule(options.schedule(), options.lr(), Math.min(warmup, total), total);
        var sampler = new BatchSampler(options.batchSize(), options.seed(), options.grouping());
        var collator = new BatchCollator(train.corpus(), train.dataset(), model.padding(train.corpus().padId()));
        String metric = options.metric() != null ? options.metric()
                : Evaluator.defaultMetric(model.config().heads().task());

        checkpoints.removeLeftovers();
        TrainerState state;
        if (resumeFrom != null) {
            state = checkpoints.restore(resumeFrom, model, optimizer);
            log.info("resumed from " + resumeFrom + " at step " + state.step());
        } else {
            torch.manual_seed(options.seed());
            state = TrainerState.start();
        }
        boolean checkEveryStep = model.device().is_cpu(); // reading the loss costs a device sync elsewhere
        long started = System.nanoTime();
        long samples = 0;
        long windowStart = System.nanoTime();
        long windowPaused = 0; // evaluation and checkpoint time inside the window, left out of its rate
        long windowSamples = 0;
        double windowLoss = 0;
        int windowCount = 0;
        Tensor windowLossSum = null;
        boolean stoppedEarly = false;
        boolean interrupted = false;
        int epoch = state.epoch();
        int micro = 0;

        training:
        for (; state.step() < total; epoch++) {
            BatchPlan plan = sampler.epoch(epoch, examples, train.corpus()::length);
            log.info(String.format(Locale.ROOT, "epoch %d: %d batches, padding efficiency %.3f (real / computed tokens)",
                    epoch, plan.batchCount(), plan.paddingEfficiency(train.corpus()::length)));
            int first = epoch == state.epoch() ? state.batch() : 0;
            // The next batch's host arrays are collated on another thread while this step computes.
            CompletableFuture<dev.headwise.data.Batch> next = first < plan.batchCount()
                    ? CompletableFuture.supplyAsync(() -> collator.collate(plan.batch(first)), PREFETCH) : null;
            for (int b = first; b < plan.batchCount(); b++) {
                dev.headwise.data.Batch host = next.join();
                int following = b + 1;
                next = following < plan.batchCount()
                        ? CompletableFuture.supplyAsync(() -> collator.collate(plan.batch(following)), PREFETCH) : null;
                try (var scope = new PointerScope()) {
                    var input = Batches.toInput(host, model.config().heads().task(), model.device());
                    Tensor l = step.accumulate(input, 1.0 / options.gradientAccumulation());
                    if (checkEveryStep) {
                        double v = l.item_double();
                        requireFinite(v, state, epoch);
                        windowLoss += v;
                    } else {
                        windowLossSum = windowLossSum == null ? l : windowLossSum.add(l);
                        scope.detach(windowLossSum);
                    }
                    windowCount++;
                    samples += host.size();
                    windowSamples += host.size();
                    micro++;
                    boolean lastOfEpoch = b == plan.batchCount() - 1;
                    if (micro < options.gradientAccumulation() && !lastOfEpoch) continue;
                    micro = 0;
                    Tensor norm = step.update(schedule.at(state.step()));
                    boolean epochDone = lastOfEpoch;
                    state = state.at(state.step() + 1, epochDone ? epoch + 1 : epoch, epochDone ? 0 : b + 1);
                    long s = state.step();
                    if (s % options.logEvery() == 0 || s == total) {
                        if (!checkEveryStep) {
                            windowLoss = windowLossSum.item_double();
                            windowLossSum = null;
                            requireFinite(windowLoss, state, epoch);
                        }
                        double secs = (System.nanoTime() - windowStart - windowPaused) / 1e9;
                        double rate = windowSamples / Math.max(secs, 1e-9);
                        double perStep = (System.nanoTime() - started) / 1e9 / Math.max(1, samples) * options.batchSize()
                                * options.gradientAccumulation();
                        log.step(s, total, epoch, windowLoss / windowCount, schedule.at(s - 1),
                                norm == null ? Double.NaN : norm.item_double(), rate, secs, perStep * (total - s));
                        windowStart = System.nanoTime();
                        windowPaused = 0;
                        windowSamples = 0;
                        windowLoss = 0;
                        windowCount = 0;
                    }
                    boolean evalNow = eval.rows().length > 0
                            && (options.evalEvery() > 0 ? s % options.evalEvery() == 0 : epochDone);
                    interrupted = stop.test(s);
                    boolean saveNow = evalNow || (options.saveEvery() > 0 ? s % options.saveEvery() == 0 : epochDone)
                            || s == total || interrupted;
                    long pauseStart = System.nanoTime();
                    if (evalNow || saveNow) {
                        // A NaN update shows in the weights before the next loss: never evaluate or save those.
                        boolean finite = torch.isfinite(model.parameters().flat()).all().item_bool();
                        if (!finite) requireFinite(Double.NaN, state, epoch);
                    }
                    if (evalNow) {
                        var result = Evaluator.evaluate(model, loss, eval, evalOptions);
                        log.eval(s, epoch, result);
                        state = state.evaluated(result.get(metric), result.get("eval_loss"),
                                Evaluator.higherIsBetter(metric));
                    }
                    if (saveNow) {
                        checkpoints.save(model, optimizer, state);
                        checkpoints.rotate(options.keepLast(), state.bestStep());
                        // A Ctrl-C during this evaluation or save can stop here: the checkpoint is already written.
                        interrupted = interrupted || stop.test(s);
                    }
                    windowPaused += System.nanoTime() - pauseStart;
                    if (options.patience() > 0 && state.evalsWithoutImprovement() >= options.patience()) {
                        log.info("early stopping: no improvement of " + metric + " in " + options.patience()
                                + " evaluations");
                        stoppedEarly = true;
                        break training;
                    }
                    if (interrupted) {
                        log.info("stopped at step " + s + "; resume with --resume");
                        break training;
                    }
                    if (s >= total) break training;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Path best = null;
        Evaluator.Result finalEval = null;
        if (interrupted) {
            return new Outcome(state.step(), null, null, false, true, seconds, samples / Math.max(seconds, 1e-9));
        }
        if (state.bestStep() >= 0) {
            best = checkpoints.dir(state.bestStep());
            Checkpoints.loadWeights(best, model);
            log.info("loaded the best checkpoint (step " + state.bestStep() + ", " + metric + " "
                    + String.format(java.util.Locale.ROOT, "%.4f", state.bestMetric())
                    + (state.bestEvalLoss() != null ? String.format(java.util.Locale.ROOT, ", eval_loss %.4f",
                    state.bestEvalLoss()) : "") + ")");
        }
        if (eval.rows().length > 0) {
            finalEval = Evaluator.evaluate(model, loss, eval, evalOptions);
        }
        return new Outcome(state.step(), finalEval, best, stoppedEarly, false, seconds, samples / Math.max(seconds, 1e-9));
    }

    private void freezeEncoder() {
        model.parameters().named().forEach((name, p) -> {
            if (model.isEncoderParameter(name)) p.requires_grad_(false);
        });
    }

    private void requireFinite(double lossValue, TrainerState state, int epoch) {
        if (Double.isFinite(lossValue)) return;
        String last = checkpoints.latest().map(p -> "; the last good checkpoint is " + p).orElse("; no checkpoint was written yet");
        throw new HeadwiseException("training diverged: the loss or the weights became " + lossValue + " at step " + (state.step() + 1) + " (epoch " + epoch
                + "): training stopped" + last + ". Try a lower --lr or gradient clipping (--max-grad-norm).");
    }
}
