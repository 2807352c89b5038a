package dev.headwise.train;

import dev.headwise.Task;
import dev.headwise.data.BatchCollator;
import dev.headwise.data.BatchPlan;
import dev.headwise.data.LabelSpace;
import dev.headwise.data.LabeledDataset;
import dev.headwise.data.TokenizedCorpus;
import dev.headwise.distributed.Collectives;
import dev.headwise.distributed.Shards;
import dev.headwise.metrics.ClassificationMetrics;
import dev.headwise.metrics.HierarchicalMetrics;
import dev.headwise.metrics.MultiLabelMetrics;
import dev.headwise.metrics.Scores;
import dev.headwise.metrics.Thresholds;
import dev.headwise.model.Heads;
import dev.headwise.model.Loss;
import dev.headwise.model.ModelInput;
import dev.headwise.model.Precision;
import dev.headwise.model.Tensors;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.WindowPooling;
import dev.headwise.tokenize.Windows;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a model over a dataset without dropout or gradients and scores it with the task's metrics. */
public final class Evaluator {
    private Evaluator() {}

    /**
     * @param metrics the JSON-able metrics record ({@code ClassificationMetrics}, {@code MultiLabelMetrics}
     *                or the per-level map of {@code HierarchicalMetrics})
     * @param summary named scalars for logging and model selection ({@code eval_loss}, {@code accuracy}, ...)
     * @param probabilities per text (its windows pooled), shaped like the logits
     * @param thresholds    multi-label: the decision thresholds the metrics used (tuned on these rows when
     *                      {@link Options#tuneThresholds}); null for the other tasks
     */
    public record Result(Object metrics, Map<String, Double> summary, String text, float[][] probabilities,
                         Thresholds thresholds) {
        public double get(String metric) {
            Double v = summary.get(metric);
            if (v == null) {
                throw new dev.headwise.HeadwiseException("metric '" + metric + "' is not computed for this task; choose one of "
                        + summary.keySet() + ".");
            }
            return v;
        }
    }

    /**
     * Options of evaluation: decision thresholds for multi-label, hierarchy-consistent decoding.
     *
     * @param tuneThresholds multi-label: tune the thresholds on the rows being scored (the eval split during
     *                       training) instead of using {@code thresholds}
     */
    public record Options(int batchSize, Thresholds thresholds, boolean consistentDecoding, Precision precision,
                          boolean tuneThresholds) {
        public Options(int batchSize, Thresholds thresholds, boolean consistentDecoding) {
            this(batchSize, thresholds, consistentDecoding, Precision.FP32);
        }

        public Options(int batchSize, Thresholds thresholds, boolean consistentDecoding, Precision precision) {
            this(batchSize, thresholds, consistentDecoding, precision, false);
        }
    }

    public static Result evaluate(TextClassifier model, Loss loss, Trainer.Part part, Options options) {
        return evaluate(model, loss, part, options, Collectives.SINGLE);
    }

    /**
     * As {@link #evaluate(TextClassifier, Loss, Trainer.Part, Options)}, the batches shared among {@code group}'s
     * ranks: each runs a contiguous range of them, and every rank gets every logit back and computes the same
     * metrics, as one process would have.
     */
    public static Result evaluate(TextClassifier model, Loss loss, Trainer.Part part, Options options, Collectives group) {
        TokenizedCorpus corpus = part.corpus();
        LabeledDataset data = part.dataset();
        int[] rows = part.rows();
        Heads heads = model.config().heads();
        Task task = heads.task();
        var collator = new BatchCollator(corpus, data, model.padding(corpus.padId()));
        int[] examples = part.examples();
        BatchPlan plan = BatchPlan.sequential(examples, options.batchSize());
        int width = heads.numLogits();
        float[] logits = new float[examples.length * width];
        double[] batchLoss = new double[plan.batchCount()]; // loss x size per batch, summed in order below
        int[] mine = Shards.range(plan.batchCount(), group.rank(), group.size());
        int seen = mine[0] * options.batchSize();
        for (int k = mine[0]; k < mine[1]; k++) {
            try (var scope = new PointerScope(); var mode = new InferenceMode();
                 var autocast = options.precision().autocast(model.device())) {
                ModelInput in = Batches.toInput(collator.collate(plan.batch(k)), task, model.device());
                Tensor batch = model.logits(in.ids(), in.mask(), in.typeIds(), false).to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
                batchLoss[k] = loss.compute(batch, in.targets()).item_double() * in.size();
                float[] l = Tensors.toFloats(batch);
                System.arraycopy(l, 0, logits, seen * width, l.length);
                seen += (int) in.size();
            }
        }
        if (group.size() > 1) {
            // The other ranks' entries are zeros here, and x + 0 is exact: the sum gathers every rank's values.
            try (var scope = new PointerScope()) {
                Tensor l = Tensors.floats(logits, logits.length);
                Tensor b = Tensors.doubles(batchLoss);
                group.allReduceSum(l, b);
                logits = Tensors.toFloats(l);
                batchLoss = Tensors.toDoubles(b);
            }
        }
        double lossSum = 0;
        for (double v : batchLoss) lossSum += v;
        // Metrics are per text: its windows' logits pooled (one window without windows: its own probabilities).
        int[] starts = new int[rows.length + 1];
        for (int i = 0; i < rows.length; i++) starts[i + 1] = starts[i] + corpus.firstRow(rows[i] + 1) - corpus.firstRow(rows[i]);
        float[][] probs;
        try (var scope = new PointerScope()) {
            probs = WindowPooling.probabilities(heads, corpus.windows() != null ? corpus.windows().pooling() : Windows.Pooling.MEAN,
                    logits, starts);
        }
        var summary = new LinkedHashMap<String, Double>();
        summary.put("eval_loss", examples.length == 0 ? Double.NaN : lossSum / examples.length);
        LabelSpace space = data.labelSpace();
        return switch (task) {
            case MULTICLASS, BINARY -> {
                int[] gold = gold(data, rows, 0);
                List<String> labels = space.levels().getFirst().labels();
                ClassificationMetrics m = task == Task.BINARY
                        ? ClassificationMetrics.binary(labels, firstColumn(probs), gold, 0.5)
                        : ClassificationMetrics.of(labels, probs, gold);
                putFlat(summary, m);
                yield new Result(m, summary, m.toText(), probs, null);
            }
            case MULTILABEL -> {
                var gold = new boolean[rows.length][space.labels().size()];
                for (int i = 0; i < rows.length; i++) {
                    for (int c = 0; c < gold[i].length; c++) gold[i][c] = data.hasLabel(rows[i], c);
                }
                Thresholds t = options.tuneThresholds() ? Thresholds.tune(Scores.toDouble(probs), gold)
                        : options.thresholds() != null ? options.thresholds() : Thresholds.half();
                MultiLabelMetrics m = MultiLabelMetrics.of(space.labels(), probs, gold, t);
                summary.put("micro_f1", m.microF1());
                summary.put("macro_f1", m.macroF1());
                summary.put("subset_accuracy", m.subsetAccuracy());
                summary.put("hamming_loss", m.hammingLoss());
                summary.put("roc_auc", m.rocAuc() != null && m.rocAuc().macro() != null ? m.rocAuc().macro() : Double.NaN);
                yield new Result(m, summary, m.toText(), probs, t);
            }
            case HIERARCHICAL -> {
                int depth = heads.levels().size();
                double[][][] scores = new double[depth][rows.length][];
                int[][] gold = new int[depth][];
                for (int l = 0; l < depth; l++) {
                    int off = heads.offset(l);
                    int size = heads.levels().get(l).size();
                    for (int i = 0; i < rows.length; i++) scores[l][i] = column(probs[i], off, size);
                    gold[l] = gold(data, rows, l);
                }
                List<String> names = space.levels().stream().map(LabelSpace.Level::name).toList();
                List<List<String>> labels = space.levels().stream().map(LabelSpace.Level::labels).toList();
                HierarchicalMetrics m = HierarchicalMetrics.of(names, labels, scores, gold,
                        options.consistentDecoding() ? space.hierarchy() : null);
                summary.put("path_accuracy", m.pathAccuracy());
                m.levels().forEach((level, lm) -> {
                    summary.put(level + "/accuracy", lm.accuracy());
                    summary.put(level + "/macro_f1", lm.macroF1());
                });
                yield new Result(m.json(), summary, m.toText(), probs, null);
            }
        };
    }

    /** The metric a task is judged by unless the user picks another. */
    public static String defaultMetric(Task task) {
        return switch (task) {
            case MULTICLASS, BINARY -> "macro_f1";
            case MULTILABEL -> "micro_f1";
            case HIERARCHICAL -> "path_accuracy";
        };
    }

    /** The names a {@link Result#summary} holds for a model with these heads: the choices of {@code --metric}. */
    public static List<String> metricNames(Heads heads) {
        var names = new java.util.ArrayList<>(List.of("eval_loss"));
        switch (heads.task()) {
            case MULTICLASS, BINARY -> names.addAll(List.of("accuracy", "macro_f1", "micro_f1", "weighted_f1"));
            case MULTILABEL -> names.addAll(List.of("micro_f1", "macro_f1", "subset_accuracy", "hamming_loss", "roc_auc"));
            case HIERARCHICAL -> {
                names.add("path_accuracy");
                heads.levels().forEach(l -> names.addAll(List.of(l.name() + "/accuracy", l.name() + "/macro_f1")));
            }
        }
        return names;
    }

    /** Fails unless the summary of a model with these heads holds {@code metric}. */
    public static void requireMetric(String metric, Heads heads) {
        List<String> names = metricNames(heads);
        if (!names.contains(metric)) {
            throw new dev.headwise.HeadwiseException("--metric " + metric + " is not computed for a " + heads.task().id()
                    + " task; choose one of " + String.join(", ", names) + ".");
        }
    }

    /** Whether a larger value of {@code metric} is better. */
    public static boolean higherIsBetter(String metric) {
        return !(metric.endsWith("loss"));
    }

    private static void putFlat(Map<String, Double> summary, ClassificationMetrics m) {
        summary.put("accuracy", m.accuracy());
        summary.put("macro_f1", m.macroF1());
        summary.put("micro_f1", m.microF1());
        summary.put("weighted_f1", m.weightedF1());
    }

    private static int[] gold(LabeledDataset data, int[] rows, int level) {
        int[] g = new int[rows.length];
        for (int i = 0; i < rows.length; i++) g[i] = data.classId(rows[i], level);
        return g;
    }

    private static double[] firstColumn(float[][] probs) {
        double[] out = new double[probs.length];
        for (int i = 0; i < probs.length; i++) out[i] = probs[i][0];
        return out;
    }

    private static double[] column(float[] row, int off, int size) {
        double[] out = new double[size];
        for (int c = 0; c < size; c++) out[c] = row[off + c];
        return out;
    }
}
