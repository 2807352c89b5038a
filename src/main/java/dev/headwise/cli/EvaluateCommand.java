package dev.headwise.cli;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.data.DatasetReader;
import dev.headwise.data.LabelSpace;
import dev.headwise.data.LabeledDataset;
import dev.headwise.data.TokenizedCorpus;
import dev.headwise.infer.InferenceOptions;
import dev.headwise.infer.LoadedModel;
import dev.headwise.io.AtomicFiles;
import dev.headwise.io.Json;
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
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/** {@code headwise evaluate}: metrics of a trained model on a labelled file. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score a trained model on labelled data (columns default to those it was trained with).")
final class EvaluateCommand implements Callable<Integer> {

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
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        windows.requested(); // a window option without --windows fails before the model is read
        boolean trained = ConfigJson.read(model.resolve("config.json")).headwise().labelSpace() != null;
        var options = InferenceOptions.cpu().withDevice(common.setUp()).withTask(trained ? null : hfTask())
                .withPrecision(common.inferencePrecision());
        try (var m = LoadedModel.classifier(model, options)) {
            CommonOptions.reportPrecision(m.precision(), spec.commandLine().getErr());
            var saved = m.model().config().headwise();
            columns.defaultsFrom(saved.data());
            LabelSpace space = trained ? saved.labelSpace() : labelsOf(m.model().config().heads());
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
            Truncation truncation = m.truncation();
            var reading = windows.orSaved(saved);
            var corpus = reading == null ? TokenizedCorpus.build(set.texts(), m.tokenizer(), truncation)
                    : TokenizedCorpus.build(set.texts(), m.tokenizer(), truncation.maxLength(), reading);
            var result = Evaluator.evaluate(m.model(), new Loss(m.model().config().heads(), Loss.LossOptions.NONE),
                    new Trainer.Part(corpus, set, IntStream.range(0, set.size()).toArray()),
                    new Evaluator.Options(batchSize, saved.thresholds(), saved.followsHierarchy()));
            out.printf("%d examples%n", set.size());
            if (reading != null) out.printf("read as %d windows of up to %d tokens%n", corpus.size(), truncation.maxLength());
            out.printf("%s%n", result.text());
            if (json != null) {
                var written = Json.MAPPER.valueToTree(result.metrics());
                if (written instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                    // The rows that were not scored belong with the scores, as in the printed report.
                    o.put("unseen_label_rows", set.unknownLabelRows());
                    o.set("unseen_labels", Json.MAPPER.valueToTree(new java.util.TreeMap<>(set.unknownLabels())));
                }
                AtomicFiles.write(json, Json.INDENTED.writeValueAsBytes(written));
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
