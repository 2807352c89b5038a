package dev.headwise.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.data.DatasetReader;
import dev.headwise.data.LabelSpace;
import dev.headwise.data.LabeledDataset;
import dev.headwise.data.TokenizedCorpus;
import dev.headwise.infer.InferenceOptions;
import dev.headwise.infer.LoadedModel;
import dev.headwise.io.AtomicFiles;
import dev.headwise.metrics.Thresholds;
import dev.headwise.model.ConfigJson;
import dev.headwise.model.Heads;
import dev.headwise.model.Loss;
import dev.headwise.tokenize.Truncation;
import dev.headwise.train.Evaluator;
import dev.headwise.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/** {@code headwise evaluate}: metrics of a trained model on a labelled file. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score a trained model on labelled data (columns default to those it was trained with).")
final class EvaluateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory from `headwise train`.")
    Path model;
    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labelled CSV, TSV or JSONL.")
    Path data;
    @Option(names = "--json", paramLabel = "FILE", description = "Also write the metrics as JSON.")
    Path json;
    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N", description = "Texts per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Mixin
    DataOptions columns;
    @Mixin
    WindowOptions windows;
    @Mixin
    CommonOptions common;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        windows.requested(); // a window option without --windows fails before the model is read
        boolean trained = ConfigJson.read(model.resolve("config.json")).extras().has("label_space");
        var options = InferenceOptions.cpu().withDevice(common.setUp()).withTask(trained ? null : hfTask())
                .withPrecision(common.inferencePrecision());
        try (var m = LoadedModel.classifier(model, options)) {
            CommonOptions.reportPrecision(m.precision(), spec.commandLine().getErr());
            var extras = m.model().config().extras();
            columns.defaultsFrom(extras.get("data"));
            LabelSpace space = trained ? LabelSpace.fromConfig(JSON.convertValue(extras.get("label_space"), Map.class))
                    : labelsOf(m.model().config().heads());
            LabeledDataset set = DatasetReader.read(data, columns.spec(), space);
            if (!trained && set.unknownLabelRows() > 0) {
                throw new HeadwiseException(data + " has labels the model does not name: " + set.unknownLabels().keySet()
                        + "; the model's labels (id2label): " + m.model().config().heads().logitNames() + ".");
            }
            if (set.unknownLabelRows() > 0) {
                out.printf("%d rows with labels never seen in training were left out: %s%n", set.unknownLabelRows(),
                        set.unknownLabels());
            }
            if (set.size() == 0) throw new HeadwiseException(data + " has no rows with known labels to evaluate.");
            Truncation truncation = Truncation.of(extras, m.maxLength());
            var reading = windows.orSaved(extras);
            var corpus = reading == null ? TokenizedCorpus.build(set.texts(), m.tokenizer(), truncation)
                    : TokenizedCorpus.build(set.texts(), m.tokenizer(), truncation.maxLength(), reading);
            Thresholds thresholds = extras.has("thresholds") ? JSON.convertValue(extras.get("thresholds"), Thresholds.class) : null;
            var result = Evaluator.evaluate(m.model(), new Loss(m.model().config().heads(), Loss.LossOptions.NONE),
                    new Trainer.Part(corpus, set, IntStream.range(0, set.size()).toArray()),
                    new Evaluator.Options(batchSize, thresholds, trained && extras.path("consistent_decoding").asBoolean(true)));
            out.printf("%d examples%n", set.size());
            if (reading != null) out.printf("read as %d windows of up to %d tokens%n", corpus.size(), truncation.maxLength());
            out.printf("%s%n", result.text());
            if (json != null) {
                var written = JSON.valueToTree(result.metrics());
                if (written instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                    // The rows that were not scored belong with the scores, as in the printed report.
                    o.put("unseen_label_rows", set.unknownLabelRows());
                    o.set("unseen_labels", JSON.valueToTree(new java.util.TreeMap<>(set.unknownLabels())));
                }
                AtomicFiles.write(json, JSON.writeValueAsBytes(written));
            }
        }
        out.flush();
        return 0;
    }

    /** A model headwise did not train: its labels come from id2label, its task (and label columns) from the user. */
    private Task hfTask() {
        if (columns.task == null) {
            throw new HeadwiseException(model + " was not trained by headwise, so its task and label columns are unknown: give"
                    + " --task (and --label-column or --label-columns unless the labels are in a column named label).");
        }
        return columns.task();
    }

    private static LabelSpace labelsOf(Heads heads) {
        return LabelSpace.ofModel(heads.task(), heads.levels().stream()
                .map(l -> new LabelSpace.Level(l.name(), l.labels())).toList());
    }
}
