package dev.headwise.train;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.data.ColumnSpec;
import dev.headwise.data.DataSplit;
import dev.headwise.data.DatasetReader;
import dev.headwise.data.LabelSpace;
import dev.headwise.data.LabeledDataset;
import dev.headwise.data.SplitSpec;
import dev.headwise.data.TokenizedCorpus;
import dev.headwise.distributed.Collectives;
import dev.headwise.distributed.ProcessGroups;
import dev.headwise.io.AtomicFiles;
import dev.headwise.io.Json;
import dev.headwise.metrics.Thresholds;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.ConfigJson;
import dev.headwise.model.Heads;
import dev.headwise.model.HeadwiseConfig;
import dev.headwise.model.Loss;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TorchRuntime;
import dev.headwise.tokenize.TextTokenizer;
import dev.headwise.tokenize.TokenizerFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Trains a classifier end to end: reads and splits the data, builds the model, runs the {@link Trainer}, tunes
 * multi-label thresholds on the eval data, saves the model with its tokenizer, scores the test data and
 * renames the run folder into place. Every path and the data, tokenizer and model are read before anything
 * is written, so a rejected request leaves nothing behind.
 */
public final class Training {

    private Training() {}

    /** Trains silently; see {@link #run(TrainRequest, TrainListener)}. */
    public static TrainResult run(TrainRequest request) throws IOException {
        return run(request, TrainListener.SILENT);
    }

    /** Trains, reporting to {@code listener}, which can also stop the run after a step. */
    public static TrainResult run(TrainRequest r, TrainListener listener) throws IOException {
        requireModelPath(r);
        TokenizerFiles tokenizerFiles = TokenizerFiles.read(tokenizerSource(r));
        RunFolder run = RunFolder.plan(r.out, r.resume, r.overwrite);
        if (run.plan() == RunFolder.Plan.FINISHED) {
            listener.info(nothingToResume(r.out));
            return new TrainResult(TrainResult.Status.ALREADY_FINISHED, r.out, null, null);
        }
        boolean main = r.world.isMain();
        TrainListener report = main ? listener : TrainListener.SILENT; // the other ranks print nothing but errors

        LabeledDataset all = DatasetReader.readTraining(r.data, r.spec);
        LabelSpace space = all.labelSpace();
        Path savedSplit = run.work().resolve("split.json");
        DataSplit split = split(r, all, run.plan() == RunFolder.Plan.RESUME ? savedSplit : null);
        LabeledDataset evalSet = r.evalData != null ? DatasetReader.read(r.evalData, r.spec, space) : all;
        int[] evalRows = r.evalData != null ? rowsOf(evalSet) : split.eval();
        LabeledDataset testSet = r.testData != null ? DatasetReader.read(r.testData, r.spec, space) : all;

        Heads heads = new Heads(space.task(), space.levels().stream()
                .map(l -> new Heads.Level(l.name(), l.labels())).toList());
        TrainOptions options = r.options;
        if (options.metric() != null) Evaluator.requireMetric(options.metric(), heads);
        var loss = new Loss(heads, r.lossWeights);
        TorchRuntime.seed(options.seed()); // from-scratch weights and fresh heads are drawn from here
        ModelFiles.Pretrained pretrained = r.fromScratch ? null : ModelFiles.fromPretrained(r.model, heads, r.device);
        TextClassifier net = pretrained != null ? pretrained.model() : fromScratch(r, heads);
        try (TextTokenizer tok = tokenizerFiles.load()) {
            if (tok.vocabSize() > net.config().model().vocabSize()) {
                throw new HeadwiseException("the tokenizer has " + tok.vocabSize() + " tokens but the model's vocabulary only "
                        + net.config().model().vocabSize() + ".");
            }
            var truncation = r.truncation.withMaxLength(Math.min(Math.min(r.truncation.maxLength(),
                    net.config().model().maxLength()), tok.modelMaxLength()));
            TokenizerFiles.Saved savedTokenizer = tokenizerFiles.toSave(truncation.maxLength(),
                    net.padding(tok.padId()).side());
            // With windows each window is an example carrying its text's labels; the split is by text, so a text's
            // windows are all on one side of it.
            Function<LabeledDataset, TokenizedCorpus> tokenized = set -> r.windows == null
                    ? TokenizedCorpus.build(set.texts(), tok, truncation)
                    : TokenizedCorpus.build(set.texts(), tok, truncation.maxLength(), r.windows);
            TokenizedCorpus corpus = tokenized.apply(all);
            TokenizedCorpus evalCorpus = evalSet == all ? corpus : tokenized.apply(evalSet);
            // Multi-label checkpoints are compared after tuning the thresholds on the eval split, as the saved model will be.
            var evalOptions = new Evaluator.Options(options.evalBatchSize(), null, r.consistentDecoding,
                    options.precision(), space.task() == Task.MULTILABEL);
            // Every rank has checked everything before they meet; rank 0 alone writes the run folder.
            try (Collectives group = ProcessGroups.join(r.world, r.device, r.timeout)) {
                var trainer = new Trainer(net, loss, options, run.work().resolve("checkpoints"), savedTokenizer,
                        evalOptions, group);
                Path from = main && run.plan() == RunFolder.Plan.RESUME ? trainer.resumable().orElse(null) : null;

                if (main) {
                    run.create();
                    if (!Files.exists(savedSplit)) split.save(savedSplit);
                }
                reportData(report, all, split, evalSet, evalRows);
                if (r.world.distributed()) {
                    report.info(String.format("%d processes (%d on this machine), --batch-size %d each: %d examples per step%s",
                            r.world.size(), r.world.localSize(), options.batchSize(), options.batchSize() * r.world.size(),
                            options.gradientAccumulation() > 1 ? " before accumulation" : ""));
                }
                if (pretrained != null) {
                    report.info("initialised from " + r.model + "; new parameters: " + String.join(", ", pretrained.newlyInitialized()));
                    reportHeadRows(report, pretrained);
                }
                if (r.resume && from == null) {
                    report.info("--resume: no checkpoint of " + r.out + " yet; training starts from step 0.");
                }
                Trainer.Outcome outcome;
                long startStep = from != null ? Checkpoints.stepOf(from) : 0;
                try (var log = !main ? TrainingLog.silent() : new TrainingLog(run.work().resolve("metrics.jsonl"), report,
                        report.progress(trainer.totalSteps(corpus.rowsOf(split.train()).length), startStep),
                        from != null ? startStep : -1)) {
                    outcome = trainer.train(new Trainer.Part(corpus, all, split.train()),
                            new Trainer.Part(evalCorpus, evalSet, evalRows), from, log, s -> listener.stopRequested());
                } catch (RuntimeException e) {
                    if (main && trainer.resumable().isEmpty()) run.discard(); // nothing there to resume from
                    throw e;
                }
                if (outcome.interrupted()) return new TrainResult(TrainResult.Status.INTERRUPTED, r.out, outcome, null);
                if (!main) return new TrainResult(TrainResult.Status.FINISHED, r.out, outcome, null);
                listener.trained(run.work());

                Evaluator.Result result = outcome.finalEval();
                Thresholds thresholds = result != null ? result.thresholds() : null;
                if (thresholds != null) {
                    report.info(String.format("decision thresholds tuned on the eval split: global %.3f", thresholds.global()));
                    var untuned = Thresholds.untunedLabels(gold(evalSet, evalRows));
                    if (!untuned.isEmpty()) {
                        report.info(String.format("labels with fewer than %d eval positives use the global threshold: %s",
                                Thresholds.MIN_POSITIVES_PER_LABEL,
                                untuned.stream().map(space.labels()::get).collect(Collectors.joining(", "))));
                    }
                }
                TextClassifier finalModel = net.withConfig(net.config().withHeadwise(new HeadwiseConfig(truncation, r.windows,
                        thresholds, r.consistentDecoding, space, ColumnSpec.of(r.spec), null, net.config().headwise().unknown())));
                ModelFiles.save(finalModel, run.work());
                savedTokenizer.writeTo(run.work());
                if (result != null) {
                    AtomicFiles.write(run.work().resolve("eval_metrics.json"), Json.INDENTED.writeValueAsBytes(result.metrics()));
                    report.info(result.text());
                }
                Evaluator.Result test = null;
                if (split.test().length > 0 || r.testData != null) {
                    int[] testRows = r.testData != null ? rowsOf(testSet) : split.test();
                    TokenizedCorpus testCorpus = testSet == all ? corpus : tokenized.apply(testSet);
                    test = Evaluator.evaluate(finalModel, loss, new Trainer.Part(testCorpus, testSet, testRows),
                            new Evaluator.Options(evalOptions.batchSize(), thresholds, r.consistentDecoding, options.precision()));
                    AtomicFiles.write(run.work().resolve("test_metrics.json"), Json.INDENTED.writeValueAsBytes(test.metrics()));
                    report.info("test split (" + testRows.length + " examples):");
                    report.info(test.text());
                }
                trainer.dropOptimizerState();
                run.publish();
                long ran = outcome.steps() - startStep;
                report.info(String.format("trained %d steps%s in %.1f s (%.1f samples/s%s); model saved to %s (%s on disk)", ran,
                        ran != outcome.steps() ? " (" + outcome.steps() + " in all)" : "", outcome.trainSeconds(),
                        outcome.samplesPerSecond(), r.world.distributed() ? String.format(Locale.ROOT,
                                ", gradient all-reduces %.1f s", outcome.allReduceSeconds()) : "", r.out, RunFolder.size(r.out)));
                return new TrainResult(TrainResult.Status.FINISHED, r.out, outcome, test);
            }
        }
    }

    /** The line said when a resumed run folder holds a finished run. */
    public static String nothingToResume(Path out) {
        return "nothing to resume: " + out + " holds a finished run (use --overwrite to train it again).";
    }

    private static void requireModelPath(TrainRequest r) {
        if (r.fromScratch) {
            Path config = configFile(r.model);
            if (!Files.isRegularFile(config)) {
                throw new HeadwiseException("--from-scratch needs a config.json (or a directory holding one); " + config
                        + " does not exist.");
            }
        } else {
            ModelFiles.requireModelDir(r.model);
        }
    }

    private static Path configFile(Path model) {
        return Files.isDirectory(model) ? model.resolve("config.json") : model;
    }

    private static Path tokenizerSource(TrainRequest r) {
        if (r.tokenizer != null) return Files.isDirectory(r.tokenizer) ? r.tokenizer : r.tokenizer.toAbsolutePath().getParent();
        return Files.isDirectory(r.model) ? r.model : r.model.toAbsolutePath().getParent();
    }

    /** The split saved by the run being resumed ({@code saved}, when it exists), else a new one. */
    private static DataSplit split(TrainRequest r, LabeledDataset all, Path saved) {
        if (saved != null && Files.exists(saved)) {
            DataSplit s = DataSplit.load(saved);
            s.requireSize(all.size());
            return s;
        }
        return DataSplit.of(all, new SplitSpec(r.evalSplit, r.testSplit, r.options.seed(), r.stratify));
    }

    private static TextClassifier fromScratch(TrainRequest r, Heads heads) {
        ClassifierConfig base = ConfigJson.read(configFile(r.model));
        return TextClassifier.create(new ClassifierConfig(base.model(), heads, base.original(), null), r.device);
    }

    /** What became of a classifier checkpoint's head rows, matched to the data's labels by name. */
    private static void reportHeadRows(TrainListener report, ModelFiles.Pretrained pre) {
        if (pre.reordered()) report.info("classifier rows taken from the checkpoint by label name, in a new order");
        if (!pre.newLabels().isEmpty()) {
            report.info("labels new to the checkpoint (fresh classifier rows): " + String.join(", ", pre.newLabels()));
        }
        if (!pre.droppedLabels().isEmpty()) {
            report.info("labels of the checkpoint not in the data (rows dropped): " + String.join(", ", pre.droppedLabels()));
        }
    }

    private static void reportData(TrainListener report, LabeledDataset all, DataSplit split, LabeledDataset evalSet,
                                   int[] evalRows) {
        report.info(String.format("data: %d examples (%d train, %d eval, %d test)", all.size(), split.train().length,
                evalRows.length, split.test().length));
        if (all.skippedEmptyTexts() > 0) report.info(String.format("skipped %d rows with empty text", all.skippedEmptyTexts()));
        if (evalSet.unknownLabelRows() > 0) {
            report.info(String.format("eval data: %d rows with labels never seen in training were left out: %s",
                    evalSet.unknownLabelRows(), evalSet.unknownLabels()));
        }
    }

    private static int[] rowsOf(LabeledDataset d) {
        return IntStream.range(0, d.size()).toArray();
    }

    private static boolean[][] gold(LabeledDataset d, int[] rows) {
        int k = d.labelSpace().labels().size();
        var g = new boolean[rows.length][k];
        for (int i = 0; i < rows.length; i++) for (int c = 0; c < k; c++) g[i][c] = d.hasLabel(rows[i], c);
        return g;
    }
}
