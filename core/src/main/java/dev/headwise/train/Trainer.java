package dev.headwise.train;

import dev.headwise.HeadwiseException;
import dev.headwise.data.Batch;
import dev.headwise.data.BatchCollator;
import dev.headwise.data.BatchPlan;
import dev.headwise.data.BatchSampler;
import dev.headwise.data.LabeledDataset;
import dev.headwise.data.TokenizedCorpus;
import dev.headwise.distributed.Collectives;
import dev.headwise.distributed.Shards;
import dev.headwise.io.Json;
import dev.headwise.model.InferencePrecision;
import dev.headwise.model.LinearBackend;
import dev.headwise.model.Loss;
import dev.headwise.model.Tensors;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TorchRuntime;
import dev.headwise.tokenize.TokenizerFiles;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * The training loop: seeded per-epoch shuffling, gradient accumulation, warmup and decay, clipping,
 * periodic evaluation and checkpoints, best-model selection, early stopping and exact resume. Each
 * micro-batch runs inside its own {@link PointerScope}, so native memory stays flat however long it runs.
 *
 * <p>Data-parallel over a {@link Collectives} group of N processes at batch size b, every rank plans the
 * same epochs at the global batch N·b and computes its {@link Shards share} of each batch, its loss weighted
 * by its share of the batch's mean, so that the summed gradients, and so the updates, are one process's at
 * batch N·b. Every rank evaluates its part of the eval batches and sees all the metrics; rank 0 alone writes
 * checkpoints and logs.
 */
public final class Trainer {
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
                          double trainSeconds, double samplesPerSecond, double allReduceSeconds) {}

    private final TextClassifier model;
    private final Loss loss;
    private final TrainOptions options;
    private final Checkpoints checkpoints;
    private final Evaluator.Options evalOptions;
    private final Collectives group;

    /**
     * @param checkpointDir where checkpoints go ({@code <out>/checkpoints})
     * @param tokenizer     written into each checkpoint so any checkpoint is a usable model directory; may be null
     */
    public Trainer(TextClassifier model, Loss loss, TrainOptions options, Path checkpointDir, TokenizerFiles.Saved tokenizer,
                   Evaluator.Options evalOptions) {
        this(model, loss, options, checkpointDir, tokenizer, evalOptions, Collectives.SINGLE);
    }

    /**
     * One rank of a data-parallel run over {@code group}, {@code options.batchSize()} being this process's batch.
     * Only rank 0 reads or writes {@code checkpointDir}.
     */
    public Trainer(TextClassifier model, Loss loss, TrainOptions options, Path checkpointDir, TokenizerFiles.Saved tokenizer,
                   Evaluator.Options evalOptions, Collectives group) {
        this.group = group;
        this.model = model;
        this.loss = loss;
        this.options = options;
        this.checkpoints = new Checkpoints(checkpointDir, tokenizer);
        this.evalOptions = evalOptions;
    }

    /** Optimizer steps the run will take. */
    public long totalSteps(int trainRows) {
        if (options.maxSteps() > 0) return options.maxSteps();
        long batches = (trainRows + globalBatchSize() - 1) / globalBatchSize();
        return options.epochs() * Math.max(1, batches / options.gradientAccumulation());
    }

    /** Deletes the checkpoints' optimizer state once the run's outputs are saved: a finished run is not resumed. */
    public void dropOptimizerState() {
        checkpoints.dropOptimizerState();
    }

    /** The newest checkpoint to resume from, if any. */
    public Optional<Path> resumable() {
        return checkpoints.latest();
    }

    /** The newest complete checkpoint under {@code checkpointDir}, the one a resume would start from. */
    public static Optional<Path> latestCheckpoint(Path checkpointDir) {
        return Checkpoints.latest(checkpointDir);
    }

    /** The examples of one optimizer step over all ranks, before accumulation. */
    private int globalBatchSize() {
        return Math.multiplyExact(options.batchSize(), group.size());
    }

    /**
     * Trains from the current weights, or from {@code resumeFrom} (a checkpoint of this run) when not null.
     * Seed libtorch before building the model; this method re-seeds for dropout at the start of a fresh run.
     * The model's Linear layers are put on {@link LinearBackend#forInference} fp32 products for the evaluations.
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
        // Evaluations run without autograd, so they take the products a loaded model takes; the training step
        // tells the model of each update, and the copies are made again at the next evaluation.
        model.useLinearBackend(LinearBackend.forInference(InferencePrecision.FP32));
        if (options.freezeEncoder()) freezeEncoder();
        var step = new TrainingStep(model, loss, optimizer, options.maxGradNorm(), options.precision(), group);
        long total = totalSteps(examples.length);
        long warmup = options.warmupSteps() > 0 ? options.warmupSteps() : (long) Math.ceil(options.warmupRatio() * total);
        var schedule = new LrSchedule(options.schedule(), options.lr(), Math.min(warmup, total), total);
        var sampler = new BatchSampler(globalBatchSize(), options.seed(), options.grouping());
        var collator = new BatchCollator(train.corpus(), train.dataset(), model.padding(train.corpus().padId()));
        String metric = options.metric() != null ? options.metric()
                : Evaluator.defaultMetric(model.config().heads().task());
        boolean distributed = group.size() > 1;
        boolean main = group.rank() == 0;

        if (main) checkpoints.removeLeftovers();
        TrainerState state = start(resumeFrom, optimizer, log);
        boolean checkEveryStep = model.device().is_cpu(); // reading the loss costs a device sync elsewhere
        long started = System.nanoTime();
        long samples = 0;
        long windowStart = System.nanoTime();
        long windowPaused = 0; // evaluation and checkpoint time inside the window, left out of its rate
        long windowSamples = 0;
        double windowLoss = 0;
        double windowSyncStart = 0;
        double stepLoss = 0; // distributed: this rank's part of the step's micro-batch losses
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
            IntFunction<CompletableFuture<Batch>> prefetch = b -> {
                int[] mine = Shards.of(plan.batch(b), group.rank(), group.size());
                return mine.length == 0 ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.supplyAsync(() -> collator.collate(mine), Trainer::prefetchThread);
            };
            // The next batch's host arrays are collated on another thread while this step computes.
            CompletableFuture<Batch> next = first < plan.batchCount() ? prefetch.apply(first) : null;
            for (int b = first; b < plan.batchCount(); b++) {
                Batch host = next.join();
                int[] global = plan.batch(b);
                next = b + 1 < plan.batchCount() ? prefetch.apply(b + 1) : null;
                try (var scope = new PointerScope()) {
                    if (!distributed) {
                        var input = Batches.toInput(host, model.config().heads().task(), model.device());
                        Tensor l = step.accumulate(input, 1.0 / options.gradientAccumulation());
                        if (checkEveryStep) {
                            double v = l.item_double();
                            requireFinite(v, state, epoch);
                            windowLoss += v;
                        } else {
                            windowLossSum = Tensors.outlivingScope(windowLossSum == null ? l : windowLossSum.add(l));
                        }
                    } else if (host != null) {
                        // This rank's share of the batch's mean: the summed gradients are then the batch's.
                        double share = meanWeight(train, host.rows()) / meanWeight(train, global);
                        var input = Batches.toInput(host, model.config().heads().task(), model.device());
                        stepLoss += share * step.accumulate(input, share / options.gradientAccumulation()).item_double();
                    }
                    windowCount++;
                    samples += global.length;
                    windowSamples += global.length;
                    micro++;
                    boolean lastOfEpoch = b == plan.batchCount() - 1;
                    if (micro < options.gradientAccumulation() && !lastOfEpoch) continue;
                    micro = 0;
                    if (distributed) {
                        // The step's loss and whether any rank was asked to stop, agreed by all ranks.
                        Tensor agreed = Tensors.doubles(new double[] {stepLoss, stop.test(state.step() + 1) ? 1 : 0});
                        group.allReduceSum(agreed);
                        double[] v = Tensors.toDoubles(agreed);
                        stepLoss = 0;
                        requireFinite(v[0], state, epoch);
                        windowLoss += v[0];
                        interrupted = v[1] > 0;
                    }
                    Tensor norm = step.update(schedule.at(state.step()));
                    boolean epochDone = lastOfEpoch;
                    state = state.at(state.step() + 1, epochDone ? epoch + 1 : epoch, epochDone ? 0 : b + 1);
                    long s = state.step();
                    if (s % options.logEvery() == 0 || s == total) {
                        if (!checkEveryStep && !distributed) {
                            windowLoss = windowLossSum.item_double();
                            windowLossSum = null;
                            requireFinite(windowLoss, state, epoch);
                        }
                        double secs = (System.nanoTime() - windowStart - windowPaused) / 1e9;
                        double rate = windowSamples / Math.max(secs, 1e-9);
                        double perStep = (System.nanoTime() - started) / 1e9 / Math.max(1, samples) * globalBatchSize()
                                * options.gradientAccumulation();
                        log.step(s, total, epoch, windowLoss / windowCount, schedule.at(s - 1),
                                norm == null ? Double.NaN : norm.item_double(), rate, secs, perStep * (total - s),
                                distributed ? step.syncSeconds() - windowSyncStart : Double.NaN);
                        windowStart = System.nanoTime();
                        windowPaused = 0;
                        windowSamples = 0;
                        windowLoss = 0;
                        windowCount = 0;
                        windowSyncStart = step.syncSeconds();
                    }
                    boolean evalNow = eval.rows().length > 0
                            && (options.evalEvery() > 0 ? s % options.evalEvery() == 0 : epochDone);
                    if (!distributed) interrupted = stop.test(s);
                    boolean saveNow = evalNow || (options.saveEvery() > 0 ? s % options.saveEvery() == 0 : epochDone)
                            || s == total || interrupted;
                    long pauseStart = System.nanoTime();
                    if (evalNow || saveNow) {
                        // A NaN update shows in the weights before the next loss: never evaluate or save those.
                        boolean finite = torch.isfinite(model.parameters().flat()).all().item_bool();
                        if (!finite) requireFinite(Double.NaN, state, epoch);
                    }
                    if (evalNow) {
                        var result = Evaluator.evaluate(model, loss, eval, evalOptions, group);
                        log.eval(s, epoch, result);
                        state = state.evaluated(result.get(metric), result.get("eval_loss"),
                                Evaluator.higherIsBetter(metric));
                    }
                    if (saveNow) {
                        save(optimizer, state);
                        // A Ctrl-C during this evaluation or save can stop here: the checkpoint is already written.
                        // (With several ranks, the next step's agreement sees it.)
                        if (!distributed) interrupted = interrupted || stop.test(s);
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
        double rate = samples / Math.max(seconds, 1e-9);
        if (interrupted) return new Outcome(state.step(), null, null, false, true, seconds, rate, step.syncSeconds());
        // The other ranks are done: rank 0 alone loads the best checkpoint from its run folder and scores it.
        if (!main) return new Outcome(state.step(), null, null, stoppedEarly, false, seconds, rate, step.syncSeconds());
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
        return new Outcome(state.step(), finalEval, best, stoppedEarly, false, seconds, rate, step.syncSeconds());
    }

    /** A daemon thread of its own for each batch collated ahead: a thread's start is nothing beside a step. */
    private static void prefetchThread(Runnable collate) {
        Thread.ofPlatform().daemon().name("headwise-prefetch").start(collate);
    }

    /**
     * Where the run starts: a fresh state, or the checkpoint's. With several ranks, rank 0 reads the checkpoint
     * and hands every rank its part: weights and moments by broadcast, the state and each rank's generator
     * state through the rendezvous store. Each rank's dropout noise comes from its own generator (seed + rank).
     */
    private TrainerState start(Path resumeFrom, AdamW optimizer, TrainingLog log) {
        if (group.size() == 1) {
            if (resumeFrom == null) {
                TorchRuntime.seed(options.seed());
                return TrainerState.start();
            }
            Checkpoints.Restored r = checkpoints.restore(resumeFrom, model, optimizer);
            requireSameBatches(resumeFrom, r);
            torch.getDefaultCPUGenerator().set_state(Tensors.bytes(r.rngStates().getFirst()));
            log.info(resumed(resumeFrom, r));
            return r.state();
        }
        Start start;
        if (group.rank() == 0) {
            if (resumeFrom == null) {
                start = new Start(TrainerState.start(), 0, null);
            } else {
                Checkpoints.Restored r;
                try {
                    r = checkpoints.restore(resumeFrom, model, optimizer);
                    requireSameBatches(resumeFrom, r);
                } catch (RuntimeException e) {
                    group.put("start", "refused");
                    throw e;
                }
                var rng = new ArrayList<String>();
                for (byte[] b : r.rngStates()) rng.add(Base64.getEncoder().encodeToString(b));
                start = new Start(r.state(), optimizer.stepCount(), rng);
                log.info(resumed(resumeFrom, r));
            }
            group.put("start", Start.write(start));
        } else {
            String published = group.take("start");
            if (published.equals("refused")) {
                throw new HeadwiseException("rank 0 could not resume the run; it says why.");
            }
            start = Start.read(published);
        }
        try (var noGrad = new NoGradGuard()) {
            group.broadcast(model.parameters().flat());
            if (start.rngStates() != null) {
                group.broadcast(optimizer.expAvg());
                group.broadcast(optimizer.expAvgSq());
            }
        }
        model.weightsChanged();
        if (start.rngStates() != null && group.rank() > 0) {
            optimizer.restore(optimizer.expAvg(), optimizer.expAvgSq(), start.adamwStep());
        }
        if (start.rngStates() != null && group.rank() < start.rngStates().size()) {
            byte[] mine = Base64.getDecoder().decode(start.rngStates().get(group.rank()));
            torch.getDefaultCPUGenerator().set_state(Tensors.bytes(mine));
        } else {
            TorchRuntime.seed(options.seed() + group.rank());
        }
        return start.state();
    }

    private String resumed(Path checkpoint, Checkpoints.Restored r) {
        int world = r.worldSize() == null ? 1 : r.worldSize();
        return "resumed from " + checkpoint + " at step " + r.state().step() + (group.size() > 1 ? " on "
                + group.size() + " processes" : "") + (world != group.size() ? " (written by " + world + "; the same"
                + " global batch, so the same data order; the dropout noise is not the uninterrupted run's)" : "");
    }

    /** What rank 0 tells the others at the start: the state, AdamW's step count and each rank's generator state. */
    record Start(TrainerState state, long adamwStep, List<String> rngStates) {

        static String write(Start s) {
            try {
                return Json.MAPPER.writeValueAsString(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Start read(String json) {
            try {
                return Json.MAPPER.readValue(json, Start.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A resume continues the checkpoint's data order only at the batch it was planned with: N processes at
     * batch b plan batches of N·b. Another world size with the same global batch works; another global batch
     * is refused.
     */
    private void requireSameBatches(Path checkpoint, Checkpoints.Restored r) {
        if (r.globalBatchSize() == null || r.globalBatchSize() == globalBatchSize()) return;
        int world = r.worldSize() == null ? 1 : r.worldSize();
        throw new HeadwiseException("checkpoint " + checkpoint + " was written by " + world + " process"
                + (world == 1 ? "" : "es") + " at a global batch of " + r.globalBatchSize() + " (--batch-size "
                + r.globalBatchSize() / world + "); resuming with " + group.size() + " at --batch-size "
                + options.batchSize() + " (global batch " + globalBatchSize() + ") would change the data order: keep"
                + " the number of processes times --batch-size at " + r.globalBatchSize() + ".");
    }

    /** Rank 0 writes the checkpoint, with every rank's generator state; the other ranks hand theirs over. */
    private void save(AdamW optimizer, TrainerState state) {
        byte[] mine = Tensors.toBytes(torch.getDefaultCPUGenerator().get_state());
        String key = "rng/" + state.step() + "/";
        if (group.rank() > 0) {
            group.put(key + group.rank(), Base64.getEncoder().encodeToString(mine));
            return;
        }
        var all = new ArrayList<byte[]>(List.of(mine));
        for (int r = 1; r < group.size(); r++) all.add(Base64.getDecoder().decode(group.take(key + r)));
        checkpoints.save(model, optimizer, state, all, globalBatchSize());
        checkpoints.rotate(options.keepLast(), state.bestStep());
    }

    /** The denominator of the mean loss over these examples (their count, or their classes' weights). */
    private double meanWeight(Part train, int[] rows) {
        if (!loss.weighsClasses()) return rows.length;
        double w = 0;
        for (int row : rows) w += loss.meanWeight(train.dataset().classId(train.corpus().document(row)));
        return w;
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
