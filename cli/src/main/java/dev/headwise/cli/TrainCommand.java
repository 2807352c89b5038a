package dev.headwise.cli;

import dev.headwise.data.LengthGrouping;
import dev.headwise.distributed.World;
import dev.headwise.model.Loss;
import dev.headwise.report.Curves;
import dev.headwise.tokenize.Truncation;
import dev.headwise.tokenize.Windows;
import dev.headwise.train.LrSchedule;
import dev.headwise.train.RunFolder;
import dev.headwise.train.TrainListener;
import dev.headwise.train.TrainOptions;
import dev.headwise.train.TrainOptions.Defaults;
import dev.headwise.train.TrainRequest;
import dev.headwise.train.TrainResult;
import dev.headwise.train.Trainer;
import dev.headwise.train.Training;
import dev.headwise.train.TrainingLog;
import org.bytedeco.pytorch.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code headwise train}: fine-tune (or train from scratch) a classifier from a CSV/TSV/JSONL file. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fine-tune a DistilBERT/BERT classifier (or train one from scratch) on a CSV, TSV or JSONL file.")
final class TrainCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Training data.")
    Path data;
    @Option(names = "--eval-data", paramLabel = "FILE", description = "Evaluation data (else --eval-split of --data).")
    Path evalData;
    @Option(names = "--eval-split", paramLabel = "F",
            description = "Fraction of --data held out for evaluation (default " + Defaults.EVAL_SPLIT + " unless --eval-data).")
    Double evalSplit;
    @Option(names = "--test-data", paramLabel = "FILE", description = "Test data, scored once at the end.")
    Path testData;
    @Option(names = "--test-split", paramLabel = "F", defaultValue = Defaults.TEST_SPLIT,
            description = "Fraction of --data held out for testing (default: ${DEFAULT-VALUE}).")
    double testSplit;
    @Option(names = "--stratify", description = "Stratify the splits by label.")
    boolean stratify;
    @Mixin
    DataOptions columns;

    @Option(names = "--model", required = true, paramLabel = "DIR|CONFIG.json",
            description = "Pretrained model directory (HF layout or `headwise import` output), or a config.json with --from-scratch.")
    Path model;
    @Option(names = "--from-scratch",
            description = "Random initialisation from the config instead of pretrained weights.")
    boolean fromScratch;
    @Option(names = "--tokenizer", paramLabel = "FILE|DIR",
            description = "Tokenizer (default: from the --model directory).")
    Path tokenizer;
    @Option(names = "--freeze-encoder", description = "Train the heads only.")
    boolean freezeEncoder;

    @Option(names = "--epochs", defaultValue = Defaults.EPOCHS, paramLabel = "N",
            description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--max-steps", defaultValue = Defaults.MAX_STEPS, paramLabel = "N",
            description = "Optimizer steps; overrides --epochs when above 0 (default: ${DEFAULT-VALUE}).")
    long maxSteps;
    @Option(names = "--batch-size", defaultValue = Defaults.BATCH_SIZE, paramLabel = "N",
            description = "Examples per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--grad-accum", defaultValue = Defaults.GRADIENT_ACCUMULATION, paramLabel = "N",
            description = "Gradient accumulation steps (default: ${DEFAULT-VALUE}).")
    int gradAccum;
    @Option(names = "--lr", defaultValue = Defaults.LR, paramLabel = "X",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;
    @Option(names = "--warmup-steps", defaultValue = Defaults.WARMUP_STEPS, paramLabel = "N",
            description = "Linear warmup steps; when 0, --warmup-ratio decides (default: ${DEFAULT-VALUE}).")
    long warmupSteps;
    @Option(names = "--warmup-ratio", defaultValue = Defaults.WARMUP_RATIO, paramLabel = "F",
            description = "Warmup as a fraction of all steps (default: ${DEFAULT-VALUE}).")
    double warmupRatio;
    @Option(names = "--schedule", defaultValue = Defaults.SCHEDULE, paramLabel = "linear|cosine|constant",
            description = "Learning-rate decay after warmup (default: ${DEFAULT-VALUE}).")
    String schedule;
    @Option(names = "--weight-decay", defaultValue = Defaults.WEIGHT_DECAY, paramLabel = "X",
            description = "AdamW weight decay, not on biases and LayerNorm (default: ${DEFAULT-VALUE}).")
    double weightDecay;
    @Option(names = "--adam-eps", defaultValue = Defaults.ADAM_EPS, paramLabel = "X",
            description = "AdamW epsilon (default: ${DEFAULT-VALUE}).")
    double adamEps;
    @Option(names = "--max-grad-norm", defaultValue = Defaults.MAX_GRAD_NORM, paramLabel = "X",
            description = "Gradient clipping; 0 disables (default: ${DEFAULT-VALUE}).")
    double maxGradNorm;
    @Option(names = "--max-length", defaultValue = Defaults.MAX_LENGTH, paramLabel = "N",
            description = "Tokens per text, longer ones truncated (default: ${DEFAULT-VALUE}; at most the model's positions).")
    int maxLength;
    @Option(names = "--tail-tokens", defaultValue = Defaults.TAIL_TOKENS, paramLabel = "N",
            description = "Of the --max-length tokens of a long text, how many come from its end (head+tail truncation; default: ${DEFAULT-VALUE}).")
    int tailTokens;
    @Option(names = "--group-by-length", description = "Batch texts of similar length together (less padding).")
    boolean groupByLength;
    @Option(names = "--seed", defaultValue = Defaults.SEED, paramLabel = "N",
            description = "Seed of the split, the initialisation, shuffling and dropout (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--class-weights", split = ",", paramLabel = "W",
            description = "multiclass: one loss weight per class, in label order.")
    float[] classWeights;
    @Option(names = "--pos-weight", split = ",", paramLabel = "W",
            description = "binary/multilabel: BCE pos_weight per logit.")
    float[] posWeight;
    @Option(names = "--level-weights", split = ",", paramLabel = "W",
            description = "hierarchical: loss weight per level.")
    double[] levelWeights;

    @Option(names = "--eval-every", defaultValue = Defaults.EVAL_EVERY, paramLabel = "N",
            description = "Evaluate every N steps (default: every epoch).")
    long evalEvery;
    @Option(names = "--save-every", defaultValue = Defaults.SAVE_EVERY, paramLabel = "N",
            description = "Checkpoint every N steps (default: every epoch).")
    long saveEvery;
    @Option(names = "--keep-last", defaultValue = Defaults.KEEP_LAST, paramLabel = "K",
            description = "Checkpoints kept, plus the best (default: ${DEFAULT-VALUE}).")
    int keepLast;
    @Option(names = "--metric", paramLabel = "NAME",
            description = "Eval metric that picks the best checkpoint; ties go to the lower eval_loss, then the later step (default: macro_f1; multilabel: micro_f1 after tuning thresholds; hierarchical: path_accuracy).")
    String metric;
    @Option(names = "--patience", defaultValue = Defaults.PATIENCE, paramLabel = "N",
            description = "Early stopping after N evaluations without improvement; 0 never stops early (default: ${DEFAULT-VALUE}).")
    int patience;
    @Option(names = "--log-every", defaultValue = Defaults.LOG_EVERY, paramLabel = "N",
            description = "Log the training loss every N steps (default: ${DEFAULT-VALUE}).")
    int logEvery;
    @Option(names = "--independent-levels",
            description = "hierarchical: decode levels independently instead of along the hierarchy.")
    boolean independentLevels;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The run folder; the run is written to .NAME.partial beside it and renamed to DIR when it has finished.")
    Path out;
    @Option(names = "--resume",
            description = "Continue the unfinished run of --out from its newest checkpoint (from step 0 if it has none yet).")
    boolean resume;
    @Option(names = "--overwrite", description = "Replace an existing --out once the new run has finished.")
    boolean overwrite;
    @Mixin
    WindowOptions windowOptions;
    @Mixin
    DistributedOptions distributed;
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws IOException, InterruptedException {
        var env = System.getenv();
        if (distributed.launchesWorkers(env)) return launchWorkers();
        World world = distributed.world(env);
        // The other ranks print nothing but errors.
        PrintWriter console = world.isMain() ? spec.commandLine().getOut() : new PrintWriter(java.io.Writer.nullWriter());
        var truncation = new Truncation(maxLength, tailTokens);
        Windows windows = windowOptions.requested();
        TrainOptions options = options();
        Device device = common.setUp();
        if (world.distributed() && device.is_cuda() && !common.device.contains(":")) {
            device = dev.headwise.model.Devices.parse("cuda:" + world.localRank()); // one GPU per worker
        }
        var request = TrainRequest.builder(data, columns.spec(), model, out)
                .evalData(evalData).testData(testData).testSplit(testSplit).stratify(stratify)
                .fromScratch(fromScratch).tokenizer(tokenizer).options(options).truncation(truncation).windows(windows)
                .consistentDecoding(!independentLevels)
                .lossWeights(new Loss.LossOptions(classWeights, posWeight, levelWeights))
                .resume(resume).overwrite(overwrite).device(device).distributed(world, distributed.timeout());
        if (evalSplit != null) request.evalSplit(evalSplit);
        var stop = new AtomicBoolean();
        if (System.getenv(DistributedOptions.LAUNCHED) != null) {
            WorkerProcesses.obeySupervisor(stop);
        } else {
            installInterruptHandler(stop, console);
        }
        TrainResult result = Training.run(request.build(), listener(console, stop));
        return result.status() == TrainResult.Status.INTERRUPTED ? 130 : 0;
    }

    /** Prints the run's lines on {@code console}, with a progress bar on a terminal; stops once {@code stop} is set. */
    static TrainListener listener(PrintWriter console, AtomicBoolean stop) {
        boolean terminal = System.console() != null && System.console().isTerminal();
        return new TrainListener() {
            @Override
            public void info(String line) {
                console.println(line);
                console.flush();
            }

            @Override
            public TrainingLog.Progress progress(long totalSteps, long doneSteps) {
                return terminal ? new TerminalProgress(totalSteps, doneSteps) : null;
            }

            @Override
            public void trained(Path runFolder) {
                Curves.write(runFolder.resolve("metrics.jsonl"), runFolder.resolve("training_curves.png"));
            }

            @Override
            public boolean stopRequested() {
                return stop.get();
            }
        };
    }

    /** {@code --nproc-per-node N}: checks what it can without reading data, then runs and supervises the workers. */
    private int launchWorkers() throws IOException, InterruptedException {
        options(); // the numeric options, so that a bad one is reported once
        RunFolder run = RunFolder.plan(out, resume, overwrite);
        PrintWriter console = spec.commandLine().getOut();
        if (run.plan() == RunFolder.Plan.FINISHED) {
            console.println(Training.nothingToResume(out));
            console.flush();
            return 0;
        }
        List<World> workers = distributed.workers();
        int threads = common.threads != null ? common.threads
                : Math.max(1, Runtime.getRuntime().availableProcessors() / workers.size());
        // The workers parse the same command line; the launch options are then in their environment.
        var args = new java.util.ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (common.threads == null) args.addAll(List.of("--threads", Integer.toString(threads)));
        return WorkerProcesses.run(workers, args, threads, console, spec.commandLine().getErr(),
                () -> Trainer.latestCheckpoint(run.work().resolve("checkpoints")), distributed.timeout());
    }

    private TrainOptions options() {
        return TrainOptions.builder().epochs(epochs).maxSteps(maxSteps).batchSize(batchSize).gradientAccumulation(gradAccum)
                .lr(lr).warmupSteps(warmupSteps).warmupRatio(warmupRatio).schedule(LrSchedule.Kind.parse(schedule))
                .weightDecay(weightDecay).adamEps(adamEps).maxGradNorm(maxGradNorm).seed(seed).freezeEncoder(freezeEncoder)
                .grouping(groupByLength ? LengthGrouping.SHUFFLED : LengthGrouping.NONE).evalEvery(evalEvery)
                .saveEvery(saveEvery).keepLast(keepLast).metric(metric).patience(patience).logEvery(logEvery)
                .precision(common.precision()).build();
    }

    static void installInterruptHandler(AtomicBoolean stop, PrintWriter console) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
                if (stop.getAndSet(true)) System.exit(130); // a second Ctrl-C: leave now
                console.println("\ninterrupt: stopping after this step and writing a checkpoint (Ctrl-C again to quit now)");
                console.flush();
            });
        } catch (IllegalArgumentException e) {
            // No SIGINT on this platform: Ctrl-C simply ends the process; checkpoints on disk stay valid.
        }
    }
}
