package dev.headwise.cli;

import dev.headwise.model.ModelFiles;
import dev.headwise.model.TextClassifier;
import dev.headwise.io.AtomicFiles;
import dev.headwise.tokenize.TokenizerFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code headwise export --level}: one level of a hierarchical model as a plain HF classifier. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write one level of a hierarchical model as a plain one-level HF classifier, whose pipeline "
                + "and softmax give exactly that level's probabilities.")
final class ExportCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A hierarchical model directory.")
    Path model;
    @Option(names = "--level", required = true, paramLabel = "NAME", description = "The label level to export.")
    String level;
    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;
    @Option(names = "--overwrite", description = "Replace an existing --out.")
    boolean overwrite;
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        TokenizerFiles tokenizer = TokenizerFiles.read(model);
        TextClassifier source = ModelFiles.load(model, common.setUp());
        TextClassifier one = source.level(level);
        int maxLength = one.config().headwise().truncation(source.config().model().maxLength()).maxLength();
        AtomicFiles.replaceDirectory(out, overwrite, dir -> {
            ModelFiles.save(one, dir);
            tokenizer.writeTo(dir, maxLength, one.padding(0).side());
        });
        spec.commandLine().getOut().printf("wrote level %s (%d labels) as a plain classifier to %s%n", level,
                one.config().heads().levels().getFirst().size(), out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
