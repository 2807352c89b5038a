package dev.headwise.cli;

import dev.headwise.infer.LoadedModel;
import dev.headwise.infer.SentenceVectors;
import dev.headwise.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code headwise encode}: sentence vectors as JSON. */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Print one vector per text as JSON (an array of float arrays).")
final class EncodeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory (HF layout).")
    Path model;

    @Option(names = "--pool", defaultValue = "mean", paramLabel = "cls|mean",
            description = "Pooling of the last hidden state (default: ${DEFAULT-VALUE}).")
    String pool;

    @Option(names = "--batch", description = "Run all texts as one padded batch instead of one at a time.")
    boolean batch;

    @Option(names = "--max-length", paramLabel = "N", description = "Truncate texts to N tokens (default: the model's limit).")
    Integer maxLength;

    @Mixin
    WindowOptions windows;
    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Texts to encode.")
    List<String> texts;

    @Override
    public Integer call() throws Exception {
        var pooling = SentenceVectors.Pooling.parse(pool);
        windows.requested();
        var precision = common.inferencePrecision();
        try (var m = LoadedModel.encoder(model, common.setUp(), precision)) {
            CommonOptions.reportPrecision(m.precision(), spec.commandLine().getErr());
            var saved = m.model().config().headwise();
            var reading = windows.orSaved(saved);
            // Vectors, unlike decisions, default to the model's whole limit; windows keep the trained length.
            int length = maxLength != null ? maxLength : reading != null && saved.truncation() != null
                    ? saved.truncation().maxLength() : m.maxLength();
            var vectors = reading != null ? SentenceVectors.embed(m, texts, pooling, length, reading)
                    : SentenceVectors.embed(m, texts, pooling, length, batch);
            spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(vectors));
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
