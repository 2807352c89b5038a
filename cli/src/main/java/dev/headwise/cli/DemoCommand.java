package dev.headwise.cli;

import dev.headwise.HeadwiseException;
import dev.headwise.data.DatasetSpec;
import dev.headwise.data.EmptyTextPolicy;
import dev.headwise.data.LabelScheme;
import dev.headwise.data.spamassassin.EmailRow;
import dev.headwise.data.spamassassin.OutputFormat;
import dev.headwise.data.spamassassin.SpamAssassinConverter;
import dev.headwise.data.spamassassin.SpamAssassinCorpus;
import dev.headwise.infer.Classifier;
import dev.headwise.infer.Prediction;
import dev.headwise.io.AtomicFiles;
import dev.headwise.io.Json;
import dev.headwise.metrics.ClassificationMetrics;
import dev.headwise.metrics.HierarchicalMetrics;
import dev.headwise.model.ConfigJson;
import dev.headwise.model.Devices;
import dev.headwise.model.ModelConfig;
import dev.headwise.report.Misclassified;
import dev.headwise.report.RunReport;
import dev.headwise.report.TestMetricsJson;
import dev.headwise.report.Timing;
import dev.headwise.tokenize.TextTokenizer;
import dev.headwise.tokenize.Tokenizers;
import dev.headwise.tokenize.Truncation;
import dev.headwise.tokenize.Windows;
import dev.headwise.train.TrainOptions;
import dev.headwise.train.TrainRequest;
import dev.headwise.train.TrainResult;
import dev.headwise.train.Training;
import dev.headwise.weights.onnx.BundledModel;
import dev.headwise.weights.onnx.BundledModels;
import org.bytedeco.pytorch.Device;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.headwise.cli.DemoSplits.path;
import static dev.headwise.cli.DemoSplits.text;

/**
 * {@code headwise demo}: fine-tunes the bundled all-MiniLM-L6-v2 encoder on the SpamAssassin corpus as a
 * two-level classifier (ham|spam, then easy_ham|hard_ham|spam), scores it once on a held-out test split and
 * writes test_metrics.json and report.html. Training is {@link Training#run} on the split files the demo writes,
 * the request {@code headwise train} makes from the command line the report shows.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune the pretrained all-MiniLM-L6-v2 encoder on the SpamAssassin email corpus as a two-level "
                + "classifier (level1 ham|spam, level2 easy_ham|hard_ham|spam), evaluate it once on a held-out test "
                + "split and write test_metrics.json, report.html and the model.",
                "The corpus is fetched with npm on first use; it and the imported encoder are cached under --cache."})
final class DemoCommand implements Callable<Integer> {
    static final double LEVEL1_TARGET = 0.98;
    static final double LEVEL2_TARGET = 0.96;
    private static final int SHOWN_ERRORS = 8;
    private static final int PREDICT_BATCH = 64;
    private static final double WARMUP_RATIO = 0.1;
    private static final int LOG_EVERY = 5;
    /** The emails as {@code headwise dataset spam-assassin} writes them: subject and body, the label path. */
    private static final DatasetSpec SPEC = new DatasetSpec(List.of("subject", "body"), DatasetSpec.DEFAULT_SEPARATOR,
            new LabelScheme.PathColumn("label", ".", DemoSplits.LEVELS.size(), List.of()), EmptyTextPolicy.ERROR, null);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: a new runs/demo-<timestamp>).")
    Path out;
    @Option(names = "--full", description = "Train on the whole train split, as without --train-size.")
    boolean full;
    @Option(names = "--from-scratch", description = "Same run with a randomly initialised DistilBERT-shaped encoder of "
            + "MiniLM's size (6 layers, 384 wide), to see what pretraining buys.")
    boolean fromScratch;
    @Option(names = "--train-size", paramLabel = "N",
            description = "Train on a stratified sample of N emails of the train split, small classes raised to 1/"
                    + DemoSplits.MIN_CLASS_SHARE_DIVISOR + " of it, for a quicker run (default: the whole split).")
    Integer trainSize;
    @Option(names = "--eval-size", defaultValue = "300", paramLabel = "N",
            description = "Eval examples that pick the best epoch, a stratified sample of the eval split; 0: all "
                    + "(default: ${DEFAULT-VALUE}).")
    int evalSize;
    @Option(names = "--max-length", defaultValue = "64", paramLabel = "N", description = "Tokens per email (default: ${DEFAULT-VALUE}).")
    int maxLength;
    @Option(names = "--tail-tokens", paramLabel = "N",
            description = "Of those, how many come from the end of a long email: its signature, list footer or "
                    + "unsubscribe line (default: 3/8 of --max-length, 24 of 64).")
    Integer tailTokens;
    @Option(names = "--epochs", defaultValue = "2", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int epochs;
    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;
    @Option(names = "--lr", defaultValue = "1e-4", paramLabel = "X",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;
    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "Splits, sampling and training (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--check", description = "Exit with status 3 unless test accuracy reaches " + LEVEL1_TARGET
            + " at level1 and " + LEVEL2_TARGET + " at level2.")
    boolean check;
    @Option(names = "--cache", defaultValue = ".cache", paramLabel = "DIR",
            description = "Cache of the corpus and the imported encoder (default: ${DEFAULT-VALUE}).")
    Path cache;
    @Option(names = "--package", paramLabel = "FILE.tgz",
            description = "Use this archive of " + SpamAssassinCorpus.NPM_PACKAGE + " instead of the cache.")
    Path packageArchive;
    /** For tests: a smaller from-scratch encoder. */
    @Option(names = "--scratch-shape", hidden = true, split = ",", defaultValue = "6,384,12,1536",
            paramLabel = "LAYERS,HIDDEN,HEADS,INTERMEDIATE")
    int[] scratchShape;
    @Mixin
    WindowOptions windows;
    @Mixin
    CommonOptions common;

    private record TestRun(HierarchicalMetrics metrics, List<Misclassified> errors, Timing timing) {}

    @Override
    public Integer call() throws IOException {
        validate();
        PrintWriter console = spec.commandLine().getOut();
        Path run = out != null ? out
                : Path.of("runs", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        requireFresh(run);
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long started = System.nanoTime();
        var timings = new ArrayList<Timing>();

        console.println("1/4 data: the SpamAssassin corpus (" + SpamAssassinCorpus.NPM_PACKAGE + ")");
        console.flush();
        long t = System.nanoTime();
        List<EmailRow> emails = emails(console);
        DemoSplits splits = DemoSplits.of(emails, wholeTrainSplit() ? 0 : trainSize, evalSize, seed);
        Path data = run.resolve("data");
        for (var part : Map.of("train", splits.train(), "eval", splits.eval(), "test", splits.test()).entrySet()) {
            SpamAssassinConverter.write(part.getValue(), data.resolve(part.getKey()), OutputFormat.CSV, false);
        }
        Map<String, Map<String, Integer>> counts = splits.counts();
        console.printf("split (stratified, seed %d): %d train (of %d), %d eval (of %d), %d test%n", seed, splits.train().size(),
                splits.trainPool(), splits.eval().size(), splits.evalPool(), splits.test().size());
        timings.add(new Timing("read, convert and split the corpus", seconds(t), emails.size()));

        console.println("2/4 model: " + (fromScratch ? "random DistilBERT-shaped encoder " + shape() : "pretrained all-MiniLM-L6-v2"));
        console.flush();
        t = System.nanoTime();
        Path model = fromScratch ? scratchModel(run.resolve("scratch"))
                : ImportedModelCache.locateOrImport(BundledModels.ALL_MINILM_L6_V2, cache);
        timings.add(new Timing(fromScratch ? "write the from-scratch config" : "import the encoder (or find it cached)",
                seconds(t), 0));

        console.println("3/4 training");
        console.flush();
        Path modelDir = run.resolve("model");
        t = System.nanoTime();
        var stop = new AtomicBoolean();
        TrainCommand.installInterruptHandler(stop, console);
        TrainResult trained = Training.run(trainRequest(data, model, modelDir, common.setUp()),
                TrainCommand.listener(console, stop));
        if (trained.status() == TrainResult.Status.INTERRUPTED) return 130;
        long trainSamples = (long) epochs * splits.train().size();
        timings.add(new Timing("training, with evaluation and checkpoints", seconds(t), trainSamples));
        timings.add(new Timing("training steps alone (the logged windows summed)",
                trainStepSeconds(modelDir.resolve("metrics.jsonl")), trainSamples));

        console.println("4/4 test split (" + splits.test().size() + " emails, never seen in training or model selection)");
        console.flush();
        console.println("predicting the test emails with the saved model...");
        console.flush();
        TestRun test = test(modelDir, splits.test());
        timings.add(test.timing());
        timings.add(new Timing("total", seconds(started), 0));
        AtomicFiles.write(run.resolve("test_metrics.json"),
                Json.INDENTED.writeValueAsBytes(TestMetricsJson.of(test.metrics())));

        var report = new RunReport("headwise demo: SpamAssassin, " + (fromScratch ? "from scratch" : "all-MiniLM-L6-v2 fine-tuned"),
                reproduce(trainArgs(data, model, modelDir)), settings(splits, loadAtStart), counts, test.metrics(), timings,
                test.errors(), modelDir.resolve("training_curves.png"));
        report.write(run.resolve("report.html"));
        print(console, test, timings, run);
        return check ? checkTargets(console, test.metrics()) : 0;
    }

    private int tailTokens() {
        return tailTokens != null ? tailTokens : windows.windows ? 0 : maxLength * 3 / 8;
    }

    private boolean wholeTrainSplit() {
        return full || trainSize == null;
    }

    private void validate() {
        if (full && trainSize != null) throw new HeadwiseException("give --full or --train-size, not both.");
        if (trainSize != null && trainSize < 1 || evalSize < 0 || maxLength < 8 || epochs < 1 || batchSize < 1 || !(lr > 0)) {
            throw new HeadwiseException("--train-size, --epochs and --batch-size must be at least 1, --eval-size at least 0, "
                    + "--max-length at least 8 and --lr positive.");
        }
        new Truncation(maxLength, tailTokens());  // checks --tail-tokens before anything is fetched or written
        Windows asked = windows.requested();
        if (asked != null) {
            if (tailTokens() > 0) throw new HeadwiseException("--windows reads a whole email; it does not go with --tail-tokens.");
            asked.check(maxLength);
        }
        if (scratchShape.length != 4 || IntStream.of(scratchShape).anyMatch(v -> v < 1)) {
            throw new HeadwiseException("--scratch-shape needs four positive numbers: layers, hidden size, heads, intermediate size.");
        }
    }

    private static void requireFresh(Path run) throws IOException {
        if (Files.isDirectory(run)) {
            try (var entries = Files.list(run)) {
                if (entries.findAny().isPresent()) {
                    throw new HeadwiseException("The run folder " + run + " is not empty; choose another --out.");
                }
            }
        } else if (Files.exists(run)) {
            throw new HeadwiseException("The run folder " + run + " is a file.");
        }
        Files.createDirectories(run);
    }

    /** The corpus as rows, duplicates (same subject and body) and emails without any text left out. */
    private List<EmailRow> emails(PrintWriter console) throws IOException {
        Path cached = cache.resolve("datasets").resolve("spam-assassin");
        if (packageArchive == null && !Files.isRegularFile(cached.resolve(SpamAssassinCorpus.ARCHIVE_NAME))) {
            console.println("fetching it with `npm pack " + SpamAssassinCorpus.NPM_PACKAGE + "` into " + cached
                    + " (once; it is cached there)");
            console.flush();
        }
        Path archive = packageArchive != null ? SpamAssassinCorpus.requireArchive(packageArchive)
                : SpamAssassinCorpus.locateOrFetch(cached);
        console.printf("reading %s (%d MB)%n", archive.getFileName(), Math.round(Files.size(archive) / 1048576.0));
        console.flush();
        var conversion = new SpamAssassinConverter().convert(SpamAssassinCorpus.read(archive), true);
        List<EmailRow> rows = conversion.rows().stream().filter(r -> !text(r).isBlank()).toList();
        console.printf("%d emails; %d duplicates and %d without text left out%n", rows.size(), conversion.duplicates(),
                conversion.rows().size() - rows.size());
        return rows;
    }

    /** A DistilBERT config of {@link #scratchShape} with the bundled tokenizer beside it; returns the config. */
    private Path scratchModel(Path dir) throws IOException {
        BundledModel bundled = BundledModels.ALL_MINILM_L6_V2;
        int vocab;
        try (TextTokenizer tokenizer = Tokenizers.load(bundled)) {
            vocab = tokenizer.vocabSize();
        }
        ModelConfig config = ModelConfig.distilbertBase().withSize(vocab, scratchShape[1], scratchShape[0], scratchShape[2],
                scratchShape[3], 512);
        Files.createDirectories(dir);
        ConfigJson.writeEncoder(config, dir.resolve("config.json"));
        bundled.copyTokenizerTo(dir.resolve("tokenizer.json"));
        return dir.resolve("config.json");
    }

    private String shape() {
        return String.format(Locale.ROOT, "(%d layers, %d wide, %d heads, intermediate %d)", scratchShape[0], scratchShape[1],
                scratchShape[2], scratchShape[3]);
    }

    /** The training step of the run: {@code headwise train} on the split files the demo wrote. */
    private TrainRequest trainRequest(Path data, Path model, Path modelDir, Device device) {
        var options = TrainOptions.builder().epochs(epochs).batchSize(batchSize).lr(lr).warmupRatio(WARMUP_RATIO).seed(seed)
                .logEvery(LOG_EVERY).keepLast(1).build();
        return TrainRequest.builder(data.resolve("train").resolve(SpamAssassinConverter.CSV_FILE), SPEC, model, modelDir)
                .evalData(data.resolve("eval").resolve(SpamAssassinConverter.CSV_FILE)).fromScratch(fromScratch)
                .options(options).truncation(new Truncation(maxLength, tailTokens())).windows(windows.requested())
                .device(device).build();
    }

    /** The {@code headwise train} command line that makes {@link #trainRequest}, for the report. */
    private List<String> trainArgs(Path data, Path model, Path modelDir) {
        var args = new ArrayList<>(List.of("train",
                "--data", data.resolve("train").resolve(SpamAssassinConverter.CSV_FILE).toString(),
                "--eval-data", data.resolve("eval").resolve(SpamAssassinConverter.CSV_FILE).toString(),
                "--text-column", "subject", "--text-column", "body",
                "--task", "hierarchical", "--label-column", "label", "--level-separator", ".",
                "--levels", Integer.toString(DemoSplits.LEVELS.size()), "--model", model.toString()));
        if (fromScratch) args.add("--from-scratch");
        args.addAll(List.of("--epochs", Integer.toString(epochs), "--batch-size", Integer.toString(batchSize),
                "--lr", plain(lr), "--warmup-ratio", plain(WARMUP_RATIO), "--max-length", Integer.toString(maxLength),
                "--tail-tokens", Integer.toString(tailTokens()), "--seed", Long.toString(seed),
                "--log-every", Integer.toString(LOG_EVERY), "--keep-last", "1",
                "--device", common.device, "--out", modelDir.toString()));
        args.addAll(windows.args());
        if (common.threads != null) args.addAll(List.of("--threads", common.threads.toString()));
        return args;
    }

    /** The time of the training log's windows together: training steps only, no evaluation or checkpoints. */
    private static double trainStepSeconds(Path metricsJsonl) throws IOException {
        return Files.readAllLines(metricsJsonl, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).map(l -> {
            try {
                return Json.MAPPER.readTree(l);
            } catch (IOException e) {
                throw new HeadwiseException("Line '" + l + "' of " + metricsJsonl + " is not Json.MAPPER.", e);
            }
        }).filter(r -> r.path("type").asText().equals("train")).mapToDouble(r -> r.path("window_s").asDouble()).sum();
    }

    /** Predicts the test emails with the saved model, as a service would, and scores the predictions. */
    private TestRun test(Path modelDir, List<EmailRow> rows) {
        List<Prediction> predictions = new ArrayList<>(rows.size());
        long t = System.nanoTime();
        try (Classifier classifier = Classifier.load(modelDir, Devices.parse(common.device))) {
            List<String> texts = rows.stream().map(DemoSplits::text).toList();
            for (int from = 0; from < texts.size(); from += PREDICT_BATCH) {
                predictions.addAll(classifier.predict(texts.subList(from, Math.min(texts.size(), from + PREDICT_BATCH))));
            }
            Timing timing = new Timing("test predictions (tokenize + forward, batches of " + PREDICT_BATCH + ")",
                    seconds(t), rows.size());
            var levels = new LinkedHashMap<String, ClassificationMetrics>();
            for (int level = 0; level < DemoSplits.LEVELS.size(); level++) {
                List<String> labels = classifier.heads().levels().get(level).labels();
                levels.put(DemoSplits.LEVELS.get(level), levelMetrics(labels, rows, predictions, level));
            }
            long right = IntStream.range(0, rows.size())
                    .filter(i -> predictions.get(i).labels().equals(path(rows.get(i)))).count();
            return new TestRun(new HierarchicalMetrics(levels, (double) right / rows.size()), errors(rows, predictions), timing);
        }
    }

    private static ClassificationMetrics levelMetrics(List<String> labels, List<EmailRow> rows, List<Prediction> predictions,
                                                      int level) {
        int n = rows.size();
        int[] gold = new int[n];
        int[] predicted = new int[n];
        double[][] scores = new double[n][labels.size()];
        for (int i = 0; i < n; i++) {
            gold[i] = indexOf(labels, path(rows.get(i)).get(level));
            Prediction.Level decided = predictions.get(i).levels().get(level);
            predicted[i] = indexOf(labels, decided.chosen().getFirst().name());
            for (Prediction.Label label : decided.ranked()) scores[i][indexOf(labels, label.name())] = label.probability();
        }
        return ClassificationMetrics.of(labels, gold, predicted, scores);
    }

    private static int indexOf(List<String> labels, String label) {
        int i = labels.indexOf(label);
        if (i < 0) throw new HeadwiseException("The trained model has no class '" + label + "'; its classes are " + labels + ".");
        return i;
    }

    /** Up to {@link #SHOWN_ERRORS} wrong paths, taking the most confident of each kind of mistake in turn. */
    private static List<Misclassified> errors(List<EmailRow> rows, List<Prediction> predictions) {
        Map<String, List<Misclassified>> byKind = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            EmailRow row = rows.get(i);
            Prediction p = predictions.get(i);
            if (p.labels().equals(path(row))) continue;
            String gold = String.join("/", path(row));
            String predicted = String.join("/", p.labels());
            double confidence = p.levels().getLast().chosen().getFirst().probability();
            byKind.computeIfAbsent(gold + " -> " + predicted, k -> new ArrayList<>())
                    .add(new Misclassified(row.subject(), row.body(), gold, predicted, confidence));
        }
        byKind.values().forEach(list -> list.sort(Comparator.comparingDouble(Misclassified::confidence).reversed()));
        var shown = new ArrayList<Misclassified>();
        for (int rank = 0; shown.size() < SHOWN_ERRORS; rank++) {
            int before = shown.size();
            for (List<Misclassified> kind : byKind.values()) {
                if (rank < kind.size() && shown.size() < SHOWN_ERRORS) shown.add(kind.get(rank));
            }
            if (shown.size() == before) break;
        }
        return shown;
    }

    private Map<String, String> settings(DemoSplits splits, double load) {
        var s = new LinkedHashMap<String, String>();
        s.put("encoder", fromScratch ? "random init, DistilBERT " + shape() : "all-MiniLM-L6-v2 (pretrained, 6 layers, 384 wide)");
        s.put("task", "hierarchical: level1 ham|spam, level2 easy_ham|hard_ham|spam (consistent decoding)");
        Windows w = windows.requested();
        s.put("text", "subject + newline + body, " + (w != null ? "windows of " + maxLength + " tokens sharing " + w.overlap()
                + ", their logits' " + w.pooling().id() + (w.maxWindows() == Integer.MAX_VALUE ? "" : ", at most " + w.maxWindows())
                : tailTokens() == 0 ? "first " + maxLength + " tokens"
                : maxLength + " tokens: the first " + (maxLength - tailTokens()) + " and the last " + tailTokens()));
        s.put("splits", String.format(Locale.ROOT, "stratified by class, seed %d: eval %.0f%%, test %.0f%%, rest train; "
                + "duplicates removed first", seed, DemoSplits.EVAL_FRACTION * 100, DemoSplits.TEST_FRACTION * 100));
        s.put("train examples", splits.train().size() + (wholeTrainSplit() ? " (the whole train split)"
                : " (stratified sample of the " + splits.trainPool() + " in the train split, each class at least 1/"
                + DemoSplits.MIN_CLASS_SHARE_DIVISOR + " of the sample or all it has)"));
        s.put("eval examples", splits.eval().size() + " of " + splits.evalPool() + " (pick the best epoch)");
        s.put("test examples", splits.test().size() + " (scored once, at the end)");
        s.put("epochs", Integer.toString(epochs));
        s.put("batch size", Integer.toString(batchSize));
        s.put("learning rate", plain(lr) + " peak, 10% linear warmup, linear decay, AdamW weight decay 0.01");
        s.put("device", common.device + (common.threads != null ? ", " + common.threads + " threads" : ""));
        s.put("machine", Runtime.getRuntime().availableProcessors() + " cores, load average "
                + (load < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f", load)) + " at start");
        return s;
    }

    private String reproduce(List<String> trainArgs) {
        var demo = new ArrayList<>(List.of("./headwise", "demo"));
        if (fromScratch) demo.add("--from-scratch");
        if (wholeTrainSplit()) demo.add("--full");
        else demo.addAll(List.of("--train-size", Integer.toString(trainSize)));
        demo.addAll(List.of("--eval-size", Integer.toString(evalSize), "--max-length", Integer.toString(maxLength),
                "--tail-tokens", Integer.toString(tailTokens()), "--epochs", Integer.toString(epochs),
                "--batch-size", Integer.toString(batchSize), "--lr", plain(lr),
                "--seed", Long.toString(seed)));
        demo.addAll(windows.args());
        if (common.threads != null) demo.addAll(List.of("--threads", common.threads.toString()));
        return "# this run\n" + shell(demo) + "\n\n# its training step, on the split files in data/\n./headwise " + shell(trainArgs);
    }

    private static String shell(List<String> args) {
        return args.stream().map(a -> a.matches("[A-Za-z0-9_./:=,+-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }

    private static void print(PrintWriter console, TestRun test, List<Timing> timings, Path run) {
        console.println();
        console.print(test.metrics().toText());
        ClassificationMetrics level2 = test.metrics().levels().get("level2");
        level2.perClass().stream().filter(c -> c.label().equals("hard_ham")).forEach(c ->
                console.printf(Locale.ROOT, "hard_ham recall %.4f (%d test emails)%n", c.recall(), c.support()));
        if (!test.errors().isEmpty()) {
            console.println();
            console.println("some misclassified test emails (gold -> predicted):");
            for (Misclassified e : test.errors()) {
                console.printf(Locale.ROOT, "  %s -> %s (%.2f)  %s | %s%n", e.gold(), e.predicted(), e.confidence(),
                        oneLine(e.subject(), 60), e.bodyStart(100));
            }
        }
        console.println();
        timings.forEach(t -> console.printf(Locale.ROOT, "%-60s %7.1f s%s%n", t.phase(), t.seconds(),
                t.samples() > 0 ? String.format(Locale.ROOT, "  %8.1f emails/s", t.samplesPerSecond()) : ""));
        console.println("wrote " + run.resolve("report.html") + ", " + run.resolve("test_metrics.json") + " and the model in "
                + run.resolve("model"));
        console.flush();
    }

    private static String oneLine(String text, int max) {
        String flat = text.strip().replaceAll("\\s+", " ");
        return flat.length() <= max ? flat : flat.substring(0, max) + "…";
    }

    private static int checkTargets(PrintWriter console, HierarchicalMetrics metrics) {
        double level1 = metrics.levels().get("level1").accuracy();
        double level2 = metrics.levels().get("level2").accuracy();
        boolean passed = level1 >= LEVEL1_TARGET && level2 >= LEVEL2_TARGET;
        console.printf(Locale.ROOT, "check %s: level1 accuracy %.4f (target %.2f), level2 accuracy %.4f (target %.2f)%n",
                passed ? "passed" : "FAILED", level1, LEVEL1_TARGET, level2, LEVEL2_TARGET);
        console.flush();
        return passed ? 0 : 3;
    }

    /** 1e-4 as 0.0001: for people and for the commands they copy. */
    private static String plain(double value) {
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
