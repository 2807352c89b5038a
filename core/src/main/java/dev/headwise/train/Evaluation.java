package dev.headwise.train;

import dev.headwise.HeadwiseException;
import dev.headwise.data.DatasetReader;
import dev.headwise.data.DatasetSpec;
import dev.headwise.data.LabelSpace;
import dev.headwise.data.LabeledDataset;
import dev.headwise.data.TokenizedCorpus;
import dev.headwise.infer.InferenceOptions;
import dev.headwise.infer.LoadedModel;
import dev.headwise.model.ConfigJson;
import dev.headwise.model.Heads;
import dev.headwise.model.HeadwiseConfig;
import dev.headwise.model.InferencePrecision;
import dev.headwise.model.Loss;
import dev.headwise.tokenize.Truncation;
import dev.headwise.tokenize.Windows;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Scores a saved model on labelled data: a model from {@link Training} with the labels, truncation, windows and
 * thresholds it was trained with, or an HF classifier whose labels come from its id2label and whose task
 * is the spec's.
 */
public final class Evaluation {
    /** Texts per batch unless a request says otherwise. */
    public static final String DEFAULT_BATCH_SIZE = "64";


    private Evaluation() {}

    /**
     * @param spec      the data's columns (a model from {@link Training} records those it was trained on)
     * @param windows   long texts read as these windows; null: as the model was trained
     * @param inference the device and precision the model runs with (its task is the spec's for an HF model)
     */
    public record Request(Path model, Path data, DatasetSpec spec, Windows windows, int batchSize,
                          InferenceOptions inference) {
        public Request {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(inference, "inference");
            if (batchSize < 1) throw new HeadwiseException("--batch-size must be at least 1, got " + batchSize + ".");
        }

        /** On the CPU in fp32, windows as trained, the default batch size. */
        public static Request of(Path model, Path data, DatasetSpec spec) {
            return new Request(model, data, spec, null, Integer.parseInt(DEFAULT_BATCH_SIZE), InferenceOptions.cpu());
        }
    }

    /**
     * @param scores           the metrics of the rows with known labels
     * @param examples         the texts scored
     * @param windows          the windows they were read as, or 0 when they were truncated
     * @param maxLength        tokens per text (or per window)
     * @param unseenLabelRows  rows left out for labels never seen in training
     * @param unseenLabels     those labels, with their row counts
     * @param precision        the precision the model ran in, and why if not the one asked for
     */
    public record Result(Evaluator.Result scores, int examples, int windows, int maxLength, int unseenLabelRows,
                         Map<String, Integer> unseenLabels, InferencePrecision.Choice precision) {}

    /** Evaluates silently. */
    public static Result run(Request request) {
        return run(request, line -> {});
    }

    /** Evaluates, telling {@code info} about the rows left out. */
    public static Result run(Request r, Consumer<String> info) {
        boolean trained = ConfigJson.read(r.model().resolve("config.json")).headwise().labelSpace() != null;
        try (var m = LoadedModel.classifier(r.model(), r.inference().withTask(trained ? null : r.spec().labels().task()))) {
            HeadwiseConfig saved = m.model().config().headwise();
            LabelSpace space = trained ? saved.labelSpace() : labelsOf(m.model().config().heads());
            LabeledDataset set = DatasetReader.read(r.data(), r.spec(), space);
            if (!trained && set.unknownLabelRows() > 0) {
                throw new HeadwiseException(r.data() + " has labels the model does not name: " + set.unknownLabels().keySet()
                        + "; the model's labels (id2label): " + m.model().config().heads().logitNames() + ".");
            }
            if (set.unknownLabelRows() > 0) {
                info.accept(String.format("%d rows with labels never seen in training were left out: %s",
                        set.unknownLabelRows(), set.unknownLabels()));
            }
            if (set.size() == 0) throw new HeadwiseException(r.data() + " has no rows with known labels to evaluate.");
            Truncation truncation = m.truncation();
            Windows reading = r.windows() != null ? r.windows() : saved.windows();
            var corpus = reading == null ? TokenizedCorpus.build(set.texts(), m.tokenizer(), truncation)
                    : TokenizedCorpus.build(set.texts(), m.tokenizer(), truncation.maxLength(), reading);
            var scores = Evaluator.evaluate(m.model(), new Loss(m.model().config().heads(), Loss.LossOptions.NONE),
                    new Trainer.Part(corpus, set, IntStream.range(0, set.size()).toArray()),
                    new Evaluator.Options(r.batchSize(), saved.thresholds(), saved.followsHierarchy()));
            return new Result(scores, set.size(), reading == null ? 0 : corpus.size(), truncation.maxLength(),
                    set.unknownLabelRows(), set.unknownLabels(), m.precision());
        }
    }

    private static LabelSpace labelsOf(Heads heads) {
        return LabelSpace.ofModel(heads.task(), heads.levels().stream()
                .map(l -> new LabelSpace.Level(l.name(), l.labels())).toList());
    }
}
