package dev.headwise.cli;

import dev.headwise.HeadwiseException;
import dev.headwise.infer.InferenceOptions;
import dev.headwise.io.AtomicFiles;
import dev.headwise.io.Json;
import dev.headwise.model.ConfigJson;
import dev.headwise.tokenize.Windows;
import dev.headwise.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

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
    @Option(names = "--batch-size", defaultValue = Evaluation.DEFAULT_BATCH_SIZE, paramLabel = "N", description = "Texts per batch (default: ${DEFAULT-VALUE}).")
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
        Windows asked = windows.requested(); // a window option without --windows fails before the model is read
        var saved = ConfigJson.read(model.resolve("config.json")).headwise();
        if (saved.labelSpace() == null) requireTask();
        var inference = InferenceOptions.cpu().withDevice(common.setUp()).withPrecision(common.inferencePrecision());
        columns.defaultsFrom(saved.data());
        var request = new Evaluation.Request(model, data, columns.spec(), asked, batchSize, inference);
        var result = Evaluation.run(request, line -> {
            out.println(line);
            out.flush();
        });
        CommonOptions.reportPrecision(result.precision(), spec.commandLine().getErr());
        out.printf("%d examples%n", result.examples());
        if (result.windows() > 0) out.printf("read as %d windows of up to %d tokens%n", result.windows(), result.maxLength());
        out.printf("%s%n", result.scores().text());
        if (json != null) {
            var written = Json.MAPPER.valueToTree(result.scores().metrics());
            if (written instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                // The rows that were not scored belong with the scores, as in the printed report.
                o.put("unseen_label_rows", result.unseenLabelRows());
                o.set("unseen_labels", Json.MAPPER.valueToTree(new java.util.TreeMap<>(result.unseenLabels())));
            }
            AtomicFiles.write(json, Json.INDENTED.writeValueAsBytes(written));
        }
        out.flush();
        return 0;
    }

    /** A model headwise did not train: its labels come from id2label, its task (and label columns) from the user. */
    private void requireTask() {
        if (columns.task == null) {
            throw new HeadwiseException(model + " was not trained by headwise, so its task and label columns are unknown: give"
                    + " --task (and --label-column or --label-columns unless the labels are in a column named label).");
        }
    }
}
