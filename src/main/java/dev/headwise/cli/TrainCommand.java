package dev.headwise.cli;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.data.DataSplit;
import dev.headwise.data.DatasetReader;
import dev.headwise.data.DatasetSpec;
import dev.headwise.data.LabelSpace;
import dev.headwise.data.LabeledDataset;
import dev.headwise.data.LengthGrouping;
import dev.headwise.data.SplitSpec;
import dev.headwise.data.TokenizedCorpus;
import dev.headwise.distributed.Collectives;
import dev.headwise.distributed.ProcessGroups;
import dev.headwise.distributed.World;
import dev.headwise.io.AtomicFiles;
import dev.headwise.io.Json;
import dev.headwise.metrics.Thresholds;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.ConfigJson;
import dev.headwise.model.HeadwiseConfig;
import dev.headwise.model.Heads;
import dev.headwise.model.Loss;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.TextClassifier;
import dev.headwise.tokenize.TextTokenizer;
import dev.headwise.tokenize.TokenizerFiles;
import dev.headwise.tokenize.Truncation;
import dev.headwise.tokenize.Windows;
import dev.headwise.train.AdamW;
import dev.headwise.train.Checkpoints;
import dev.headwise.train.Curves;
import dev.headwise.train.Evaluator;
import dev.headwise.train.LrSchedule;
import dev.headwise.train.TrainOptions;
import dev.headwise.train.Trainer;
import dev.headwise.train.TrainingLog;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
            description = "Fraction of --data held out for evaluation (default 0.1 unless --eval-data).")
    Double evalSplit;
    @Option(names = "--test-data", paramLabel = "FILE", description = "Test data, scored once at the end.")
    Path testData;
    @Option(names = "--test-split", paramLabel = "F", defaultValue = "0",
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

    @Option(names = "--epochs", defaultValue = "3", paramLabel = "N",
            description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--max-steps", defaultValue = "0", paramLabel = "N",
            description = "Optimizer steps; overrides --epochs when above 0 (default: ${DEFAULT-VALUE}).")
    long maxSteps;
    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N",
            description = "Examples per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--grad-accum", defaultValue = "1", paramLabel = "N",
            description = "Gradient accumulation steps (default: ${DEFAULT-VALUE}).")
    int gradAccum;
    @Option(names = "--lr", defaultValue = "5e-5", paramLabel = "X",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;
    @Option(names = "--warmup-steps", defaultValue = "0", paramLabel = "N",
            description = "Linear warmup steps; when 0, --warmup-ratio decides (default: ${DEFAULT-VALUE}).")
    long warmupSteps;
    @Option(names = "--warmup-ratio", defaultValue = "0", paramLabel = "F",
            description = "Warmup as a fraction of all steps (default: ${DEFAULT-VALUE}).")
    double warmupRatio;
    @Option(names = "--schedule", defaultValue = "linear", paramLabel = "linear|cosine|constant",
            description = "Learning-rate decay after warmup (default: ${DEFAULT-VALUE}).")
    String schedule;
    @Option(names = "--weight-decay", defaultValue = "0.01", paramLabel = "X",
            description = "AdamW weight decay, not on biases and LayerNorm (default: ${DEFAULT-VALUE}).")
    double weightDecay;
    @Option(names = "--adam-eps", defaultValue = "1e-8", paramLabel = "X",
            description = "AdamW epsilon (default: ${DEFAULT-VALUE}).")
    double adamEps;
    @Option(names = "--max-grad-norm", defaultValue = "1.0", paramLabel = "X",
            description = "Gradient clipping; 0 disables (default: ${DEFAULT-VALUE}).")
    double maxGradNorm;
    @Option(names = "--max-length", defaultValue = "128", paramLabel = "N",
            description = "Tokens per text, longer ones truncated (default: ${DEFAULT-VALUE}; at most the model's positions).")
    int maxLength;
    @Option(names = "--tail-tokens", defaultValue = "0", paramLabel = "N",
            description = "Of the --max-length tokens of a long text, how many come from its end (head+tail truncation; default: ${DEFAULT-VALUE}).")
    int tailTokens;
    @Option(names = "--group-by-length", description = "Batch texts of similar length together (less padding).")
    boolean groupByLength;
    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
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

    @Option(names = "--eval-every", defaultValue = "0", paramLabel = "N",
            description = "Evaluate every N steps (default: every epoch).")
    long evalEvery;
    @Option(names = "--save-every", defaultValue = "0", paramLabel = "N",
            description = "Checkpoint every N steps (default: every epoch).")
    long saveEvery;
    @Option(names = "--keep-last", defaultValue = "2", paramLabel = "K",
            description = "Checkpoints kept, plus the best (default: ${DEFAULT-VALUE}).")
    int keepLast;
    @Option(names = "--metric", paramLabel = "NAME",
            description = "Eval metric that picks the best checkpoint; ties go to the lower eval_loss, then the later step (default: macro_f1; multilabel: micro_f1 after tuning thresholds; hierarchical: path_accuracy).")
    String metric;
    @Option(names = "--patience", defaultValue = "0", paramLabel = "N",
            description = "Early stopping after N evaluations without improvement; 0 never stops early (default: ${DEFAULT-VALUE}).")
    int patience;
    @Option(names = "--log-every", defaultValue = "10", paramLabel = "N",
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

    /** The checkpoint the model was initialised from, reported once the run folder exists; null from scratch. */
    private ModelFiles.Pretrained pretrained;

    @Override
    public Integer call() throws IOException, InterruptedException {
        var env = System.getenv();
        if (distributed.launchesWorkers(env)) return launchWorkers();
        World world = distributed.world(env);
        // The other ranks print nothing but errors.
        PrintWriter console = world.isMain() ? spec.commandLine().getOut() : new PrintWriter(java.io.Writer.nullWriter());
        // Every option and path is checked, and the data, tokenizer and model are read, before anything is written.
        var requested = new Truncation(maxLength, tailTokens);
        Windows windows = windowOptions.requested();
        if (windows != null) {
            if (tailTokens > 0) throw new HeadwiseException("--windows reads a whole text; it does not go with --tail-tokens.");
            windows.check(maxLength);
        }
        TrainOptions trainOptions = options();
        requireModelPath();
        TokenizerFiles tokenizerFiles = TokenizerFiles.read(tokenizerSource());
        RunFolder run = RunFolder.plan(out, resume, overwrite);
        if (run.plan() == RunFolder.Plan.FINISHED) {
            console.println("nothing to resume: " + out + " holds a finished run (use --overwrite to train it again).");
            console.flush();
            return 0;
        }
        Device device = common.setUp();
        if (world.distributed() && device.is_cuda() && !common.device.contains(":")) {
            device = dev.headwise.model.Devices.parse("cuda:" + world.localRank()); // one GPU per worker
        }
        DatasetSpec dataSpec = columns.spec();

        LabeledDataset all = DatasetReader.readTraining(data, dataSpec);
        LabelSpace space = all.labelSpace();
        Path savedSplit = run.work().resolve("split.json");
        DataSplit split = split(all, run.plan() == RunFolder.Plan.RESUME ? savedSplit : null);
        LabeledDataset evalSet = evalData != null ? DatasetReader.read(evalData, dataSpec, space) : all;
        int[] evalRows = evalData != null ? rowsOf(evalSet) : split.eval();
        LabeledDataset testSet = testData != null ? DatasetReader.read(testData, dataSpec, space) : all;

        Heads heads = new Heads(space.task(), space.levels().stream()
                .map(l -> new Heads.Level(l.name(), l.labels())).toList());
        if (metric != null) Evaluator.requireMetric(metric, heads);
        var loss = new Loss(heads, new Loss.LossOptions(classWeights, posWeight, levelWeights));
        TextClassifier net = buildModel(heads, device);
        try (TextTokenizer tok = tokenizerFiles.load()) {
            if (tok.vocabSize() > net.config().model().vocabSize()) {
                throw new HeadwiseException("the tokenizer has " + tok.vocabSize() + " tokens but the model's vocabulary only "
                        + net.config().model().vocabSize() + ".");
            }
            var truncation = requested.withMaxLength(Math.min(Math.min(maxLength, net.config().model().maxLength()),
                    tok.modelMaxLength()));
            TokenizerFiles.Saved savedTokenizer = tokenizerFiles.toSave(truncation.maxLength(),
                    net.padding(tok.padId()).side());
            // With windows each window is an example carrying its text's labels; the split is by text, so a text's
            // windows are all on one side of it.
            java.util.function.Function<LabeledDataset, TokenizedCorpus> tokenized = set -> windows == null
                    ? TokenizedCorpus.build(set.texts(), tok, truncation)
                    : TokenizedCorpus.build(set.texts(), tok, truncation.maxLength(), windows);
            TokenizedCorpus corpus = tokenized.apply(all);
            TokenizedCorpus evalCorpus = evalSet == all ? corpus : tokenized.apply(evalSet);
            // Multi-label checkpoints are compared after tuning the thresholds on the eval split, as the saved model will be.
            var evalOptions = new Evaluator.Options(Math.max(32, batchSize * 2), null, !independentLevels,
                    common.precision(), space.task() == Task.MULTILABEL);
            // Every rank has checked everything before they meet; rank 0 alone writes the run folder.
            try (Collectives group = ProcessGroups.join(world, device, distributed.timeout())) {
                var trainer = new Trainer(net, loss, trainOptions, run.work().resolve("checkpoints"), savedTokenizer,
                        evalOptions, group);
                Path from = world.isMain() && run.plan() == RunFolder.Plan.RESUME ? trainer.resumable().orElse(null) : null;

                if (world.isMain()) {
                    run.create();
                    if (!Files.exists(savedSplit)) split.save(savedSplit);
                }
                report(console, all, split, evalSet, evalRows);
                if (world.distributed()) {
                    console.printf("%d processes (%d on this machine), --batch-size %d each: %d examples per step%s%n",
                            world.size(), world.localSize(), batchSize, batchSize * world.size(),
                            gradAccum > 1 ? " before accumulation" : "");
                }
                if (pretrained != null) {
                    console.println("initialised from " + model + "; new parameters: " + String.join(", ", pretrained.newlyInitialized()));
                    reportHeadRows(console, pretrained);
                }
                if (resume && from == null) {
                    console.println("--resume: no checkpoint of " + out + " yet; training starts from step 0.");
                }
                var stop = new AtomicBoolean();
                if (System.getenv(DistributedOptions.LAUNCHED) != null) {
                    WorkerProcesses.obeySupervisor(stop);
                } else {
                    installInterruptHandler(stop, console);
                }
                Trainer.Outcome outcome;
                long startStep = from != null ? Checkpoints.stepOf(from) : 0;
                try (var log = !world.isMain() ? TrainingLog.silent() : new TrainingLog(run.work().resolve("metrics.jsonl"),
                        console, System.console() != null && System.console().isTerminal(),
                        trainer.totalSteps(corpus.rowsOf(split.train()).length), from != null ? startStep : -1)) {
                    outcome = trainer.train(new Trainer.Part(corpus, all, split.train()),
                            new Trainer.Part(evalCorpus, evalSet, evalRows), from, log, s -> stop.get());
                } catch (RuntimeException e) {
                    if (world.isMain() && trainer.resumable().isEmpty()) run.discard(); // nothing there to resume from
                    throw e;
                }
                if (!world.isMain()) return outcome.interrupted() ? 130 : 0;
                if (outcome.interrupted()) return 130;
                Curves.write(run.work().resolve("metrics.jsonl"), run.work().resolve("training_curves.png"));

                Evaluator.Result result = outcome.finalEval();
                Thresholds thresholds = result != null ? result.thresholds() : null;
                if (thresholds != null) {
                    console.printf("decision thresholds tuned on the eval split: global %.3f%n", thresholds.global());
                    var untuned = Thresholds.untunedLabels(gold(evalSet, evalRows));
                    if (!untuned.isEmpty()) {
                        console.printf("labels with fewer than %d eval positives use the global threshold: %s%n",
                                Thresholds.MIN_POSITIVES_PER_LABEL,
                                untuned.stream().map(space.labels()::get).collect(java.util.stream.Collectors.joining(", ")));
                    }
                }
                TextClassifier finalModel = net.withConfig(net.config().withHeadwise(new HeadwiseConfig(truncation, windows,
                        thresholds, !independentLevels, space, columns.saved(), null, net.config().headwise().unknown())));
                ModelFiles.save(finalModel, run.work());
                savedTokenizer.writeTo(run.work());
                if (result != null) {
                    AtomicFiles.write(run.work().resolve("eval_metrics.json"), Json.INDENTED.writeValueAsBytes(result.metrics()));
                    console.println(result.text());
                }
                if (split.test().length > 0 || testData != null) {
                    int[] testRows = testData != null ? rowsOf(testSet) : split.test();
                    TokenizedCorpus testCorpus = testSet == all ? corpus : tokenized.apply(testSet);
                    var test = Evaluator.evaluate(finalModel, loss, new Trainer.Part(testCorpus, testSet, testRows),
                            new Evaluator.Options(evalOptions.batchSize(), thresholds, !independentLevels, common.precision()));
                    AtomicFiles.write(run.work().resolve("test_metrics.json"), Json.INDENTED.writeValueAsBytes(test.metrics()));
                    console.println("test split (" + testRows.length + " examples):");
                    console.println(test.text());
                }
                trainer.dropOptimizerState();
                run.publish();
                long ran = outcome.steps() - startStep;
                console.printf("trained %d steps%s in %.1f s (%.1f samples/s%s); model saved to %s (%s on disk)%n", ran,
                        ran != outcome.steps() ? " (" + outcome.steps() + " in all)" : "", outcome.trainSeconds(),
                        outcome.samplesPerSecond(), world.distributed() ? String.format(java.util.Locale.ROOT,
                                ", gradient all-reduces %.1f s", outcome.allReduceSeconds()) : "", out, RunFolder.size(out));
                console.flush();
            }
        }
        return 0;
    }

    /** {@code --nproc-per-node N}: checks what it can without reading data, then runs and supervises the workers. */
    private int launchWorkers() throws IOException, InterruptedException {
        options(); // the numeric options, so that a bad one is reported once
        RunFolder run = RunFolder.plan(out, resume, overwrite);
        PrintWriter console = spec.commandLine().getOut();
        if (run.plan() == RunFolder.Plan.FINISHED) {
            console.println("nothing to resume: " + out + " holds a finished run (use --overwrite to train it again).");
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

    private void requireModelPath() {
        if (fromScratch) {
            Path config = Files.isDirectory(model) ? model.resolve("config.json") : model;
            if (!Files.isRegularFile(config)) {
                throw new HeadwiseException("--from-scratch needs a config.json (or a directory holding one); " + config
                        + " does not exist.");
            }
        } else {
            ModelFiles.requireModelDir(model);
        }
    }

    /** The split saved by the run being resumed ({@code saved}, when it exists), else a new one. */
    private DataSplit split(LabeledDataset all, Path saved) {
        if (saved != null && Files.exists(saved)) {
            DataSplit s = DataSplit.load(saved);
            s.requireSize(all.size());
            return s;
        }
        double eval = evalData != null ? 0 : evalSplit != null ? evalSplit : 0.1;
        double test = testData != null ? 0 : testSplit;
        return DataSplit.of(all, new SplitSpec(eval, test, seed, stratify));
    }

    private TrainOptions options() {
        return new TrainOptions(epochs, maxSteps, batchSize, gradAccum, lr, warmupSteps, warmupRatio,
                LrSchedule.Kind.parse(schedule), new AdamW.Options(0.9, 0.999, adamEps, weightDecay), maxGradNorm, seed,
                freezeEncoder, groupByLength ? LengthGrouping.SHUFFLED : LengthGrouping.NONE, Math.max(32, batchSize * 2),
                evalEvery, saveEvery, keepLast, metric, patience, logEvery, common.precision());
    }

    private TextClassifier buildModel(Heads heads, Device device) {
        torch.manual_seed(seed); // from-scratch weights and fresh heads are drawn from here
        if (fromScratch) {
            Path config = Files.isDirectory(model) ? model.resolve("config.json") : model;
            ClassifierConfig base = ConfigJson.read(config);
            return TextClassifier.create(new ClassifierConfig(base.model(), heads, base.original(), null), device);
        }
        var pre = ModelFiles.fromPretrained(model, heads, device);
        pretrained = pre;
        return pre.model();
    }

    /** What became of a classifier checkpoint's head rows, matched to the data's labels by name. */
    private static void reportHeadRows(PrintWriter console, ModelFiles.Pretrained pre) {
        if (pre.reordered()) console.println("classifier rows taken from the checkpoint by label name, in a new order");
        if (!pre.newLabels().isEmpty()) {
            console.println("labels new to the checkpoint (fresh classifier rows): " + String.join(", ", pre.newLabels()));
        }
        if (!pre.droppedLabels().isEmpty()) {
            console.println("labels of the checkpoint not in the data (rows dropped): " + String.join(", ", pre.droppedLabels()));
        }
    }

    private Path tokenizerSource() {
        if (tokenizer != null) return Files.isDirectory(tokenizer) ? tokenizer : tokenizer.toAbsolutePath().getParent();
        return Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
    }

    private static void report(PrintWriter console, LabeledDataset all, DataSplit split, LabeledDataset evalSet, int[] evalRows) {
        console.printf("data: %d examples (%d train, %d eval, %d test)%n", all.size(), split.train().length, evalRows.length,
                split.test().length);
        if (all.skippedEmptyTexts() > 0) console.printf("skipped %d rows with empty text%n", all.skippedEmptyTexts());
        if (evalSet.unknownLabelRows() > 0) {
            console.printf("eval data: %d rows with labels never seen in training were left out: %s%n",
                    evalSet.unknownLabelRows(), evalSet.unknownLabels());
        }
        console.flush();
    }

    private static void installInterruptHandler(AtomicBoolean stop, PrintWriter console) {
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

    private static int[] rowsOf(LabeledDataset d) {
        return java.util.stream.IntStream.range(0, d.size()).toArray();
    }

    private static boolean[][] gold(LabeledDataset d, int[] rows) {
        int k = d.labelSpace().labels().size();
        var g = new boolean[rows.length][k];
        for (int i = 0; i < rows.length; i++) for (int c = 0; c < k; c++) g[i][c] = d.hasLabel(rows[i], c);
        return g;
    }
}
