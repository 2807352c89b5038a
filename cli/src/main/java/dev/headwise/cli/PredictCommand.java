package dev.headwise.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.data.Row;
import dev.headwise.data.TableFormat;
import dev.headwise.data.TableReader;
import dev.headwise.infer.Classifier;
import dev.headwise.infer.InferenceOptions;
import dev.headwise.infer.Prediction;
import dev.headwise.io.AtomicFiles;
import dev.headwise.io.Json;
import dev.headwise.tokenize.Truncation;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code headwise predict}: labels for texts given on the command line or in a file. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict labels with probabilities, for TEXT arguments or --input FILE --output FILE.")
final class PredictCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Parameters(arity = "1..*", paramLabel = "TEXT")
        List<String> texts;

        @ArgGroup(exclusive = false)
        Files files;
    }

    static final class Files {
        @Option(names = "--input", required = true, paramLabel = "FILE", description = "CSV, TSV or JSONL with the text column(s).")
        Path input;
        @Option(names = "--output", required = true, paramLabel = "FILE",
                description = "Written with the input's rows in order plus prediction columns (CSV or JSONL by extension).")
        Path output;
    }

    @Option(names = "--top-k", defaultValue = "3", paramLabel = "K", description = "Labels shown per text for multiclass (default: ${DEFAULT-VALUE}).")
    int topK;
    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N", description = "Texts per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--text-column", split = ",", paramLabel = "NAME", description = "Text column(s) of --input (default: as trained).")
    List<String> textColumns;
    @Option(names = "--task", paramLabel = "TASK",
            description = "Read the model's logits as this task (e.g. binary for an HF two-label model; default: as saved).")
    String task;
    @Option(names = "--overwrite", description = "Replace an existing --output file.")
    boolean overwrite;
    @Mixin
    WindowOptions windows;
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        if (source.files != null) requireWritableOutput(source.files.input, source.files.output);
        var asked = windows.requested();
        var options = new InferenceOptions(common.setUp(), task == null ? null : Task.parse(task), asked,
                common.inferencePrecision());
        try (var classifier = Classifier.load(model, options)) {
            CommonOptions.reportPrecision(classifier.precision(), spec.commandLine().getErr());
            if (source.texts != null) {
                PrintWriter out = spec.commandLine().getOut();
                List<Prediction> ps = classifier.predict(source.texts);
                for (int i = 0; i < ps.size(); i++) out.println(source.texts.get(i) + "\t" + describe(ps.get(i)));
                reportTruncated(ps.stream().filter(Prediction::truncated).count(), classifier);
                reportWindows(ps.stream().mapToLong(Prediction::windows).sum(), ps.size(), classifier);
                out.flush();
            } else {
                predictFile(classifier, source.files.input, source.files.output);
            }
        }
        return 0;
    }

    private String describe(Prediction p) {
        return p.levels().stream().map(l -> {
            var shown = l.chosen().isEmpty() ? List.<Prediction.Label>of() : l.chosen();
            if (l.chosen().size() == 1 && l.ranked().size() > 2 && p.levels().size() == 1) shown = l.ranked().subList(0, Math.min(topK, l.ranked().size()));
            String labels = shown.stream().map(x -> String.format(Locale.ROOT, "%s (%.3f)", x.name(), x.probability()))
                    .collect(Collectors.joining(", "));
            return labels.isEmpty() ? "(no label)" : labels;
        }).collect(Collectors.joining(" > "));
    }

    private void requireWritableOutput(Path input, Path output) throws java.io.IOException {
        if (!java.nio.file.Files.exists(output)) return;
        if (java.nio.file.Files.exists(input) && java.nio.file.Files.isSameFile(input, output)) {
            throw new HeadwiseException("--output " + output + " is the --input file; write the predictions to another file.");
        }
        if (!overwrite) throw new HeadwiseException(output + " already exists; use --overwrite to replace it.");
    }

    /** Streams the input in batches: memory stays bounded however many rows there are. */
    private void predictFile(Classifier classifier, Path input, Path output) throws Exception {
        List<String> columns = textColumns != null ? textColumns : classifier.textColumns();
        boolean jsonl = TableFormat.of(output) == TableFormat.JSONL;
        var count = new long[3];
        AtomicFiles.writeText(output, w -> {
            try (TableReader in = TableReader.open(input)) {
                in.requireColumns(columns);
                CSVPrinter csv = jsonl ? null : new CSVPrinter(w, CSVFormat.RFC4180);
                if (csv != null) {
                    var header = new ArrayList<>(in.columns());
                    header.addAll(List.of("prediction", "probability"));
                    csv.printRecord(header);
                }
                var rows = new ArrayList<Row>(batchSize);
                while (in.hasNext()) {
                    rows.add(in.next());
                    if (rows.size() == batchSize || !in.hasNext()) {
                        List<Prediction> ps = write(classifier, rows, columns, in.columns(), csv, w);
                        count[1] += ps.stream().filter(Prediction::truncated).count();
                        count[2] += ps.stream().mapToLong(Prediction::windows).sum();
                        count[0] += rows.size();
                        rows.clear();
                    }
                }
                if (csv != null) csv.flush();
            }
        });
        spec.commandLine().getOut().printf("wrote %d predictions to %s%n", count[0], output);
        reportTruncated(count[1], classifier);
        reportWindows(count[2], count[0], classifier);
        spec.commandLine().getOut().flush();
    }

    private void reportTruncated(long n, Classifier classifier) {
        Truncation truncation = classifier.truncation();
        if (n > 0 && classifier.windows() != null) {
            spec.commandLine().getOut().printf("note: %d text(s) had more than %d windows; only their first %d were read%n",
                    n, classifier.windows().maxWindows(), classifier.windows().maxWindows());
        } else if (n > 0) {
            spec.commandLine().getOut().printf("note: %d text(s) were longer than %d tokens; only their %s was read%n",
                    n, truncation.maxLength(), truncation.tailTokens() == 0 ? "beginning"
                            : "beginning and last " + truncation.tailTokens() + " tokens");
        }
        spec.commandLine().getOut().flush();
    }

    private void reportWindows(long windowCount, long texts, Classifier classifier) {
        if (classifier.windows() == null) return;
        spec.commandLine().getOut().printf(Locale.ROOT, "read %d text(s) as %d window(s) of up to %d tokens; padding efficiency %.1f%%%n",
                texts, windowCount, classifier.truncation().maxLength(), 100 * classifier.paddingEfficiency());
    }

    /** Predicts one batch of rows and writes them; returns their predictions. */
    private List<Prediction> write(Classifier classifier, List<Row> rows, List<String> textColumns, List<String> allColumns,
                      CSVPrinter csv, Writer w) throws java.io.IOException {
        var texts = rows.stream().map(r -> textColumns.stream().map(r::get).collect(Collectors.joining("\n"))).toList();
        List<Prediction> ps = classifier.predict(texts);
        for (int i = 0; i < rows.size(); i++) {
            Prediction p = ps.get(i);
            String labels = String.join("|", p.labels());
            String probs = p.levels().stream().flatMap(l -> l.chosen().stream())
                    .map(x -> String.format(Locale.ROOT, "%.4f", x.probability())).collect(Collectors.joining("|"));
            if (csv != null) {
                var record = new ArrayList<String>();
                for (String c : allColumns) record.add(rows.get(i).get(c));
                record.add(labels);
                record.add(probs);
                csv.printRecord(record);
            } else {
                ObjectNode o = Json.MAPPER.createObjectNode();
                for (String c : allColumns) o.put(c, rows.get(i).get(c));
                o.set("prediction", Json.MAPPER.valueToTree(p.labels()));
                ObjectNode scores = o.putObject("probabilities");
                p.levels().forEach(l -> l.ranked().forEach(x -> scores.put(
                        (p.levels().size() > 1 ? l.name() + ":" : "") + x.name(), x.probability())));
                w.write(Json.MAPPER.writeValueAsString(o));
                w.write('\n');
            }
        }
        return ps;
    }
}
