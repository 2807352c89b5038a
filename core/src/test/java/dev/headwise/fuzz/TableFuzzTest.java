package dev.headwise.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.data.DatasetReader;
import dev.headwise.data.DatasetSpec;
import dev.headwise.data.EmptyTextPolicy;
import dev.headwise.data.LabelScheme;
import dev.headwise.data.Row;
import dev.headwise.data.TableFormat;
import dev.headwise.data.TableReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the table readers (CSV, TSV, JSON Lines, all rows) and the dataset reader with each label scheme.
 * Every input must be read or refused with a {@link HeadwiseException}.
 */
class TableFuzzTest {
    private static final int QUICK_RUNS = 3000;

    /**
     * The label schemes the dataset target chooses from, with the text columns each reads. The seeds use the
     * column names these expect.
     */
    private static final List<DatasetSpec> SPECS = List.of(
            spec(new LabelScheme.ClassColumn(Task.MULTICLASS, "label"), "text"),
            spec(new LabelScheme.ClassColumn(Task.BINARY, "label"), "subject", "body"),
            spec(new LabelScheme.FlagColumns(List.of("label_*", "spam")), "text"),
            spec(new LabelScheme.ListColumn("labels", "|"), "text"),
            spec(new LabelScheme.PathColumn("path", ".", 0, null), "text"),
            spec(new LabelScheme.LevelColumns(List.of("level1", "level2")), "text"));

    @TempDir
    static Path dir;

    @FuzzTest
    void csv(byte[] bytes) throws IOException {
        readAll(bytes, TableFormat.CSV);
    }

    @FuzzTest
    void tsv(byte[] bytes) throws IOException {
        readAll(bytes, TableFormat.TSV);
    }

    @FuzzTest
    void jsonl(byte[] bytes) throws IOException {
        readAll(bytes, TableFormat.JSONL);
    }

    /**
     * The first byte picks the label scheme, the format (CSV or JSON Lines) and the empty-text policy; the
     * rest is the file.
     */
    @FuzzTest
    void dataset(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            return;
        }
        int choice = bytes[0] & 0xFF;
        DatasetSpec spec = SPECS.get(choice % SPECS.size());
        TableFormat format = choice / SPECS.size() % 2 == 0 ? TableFormat.CSV : TableFormat.JSONL;
        EmptyTextPolicy policy = choice / (2 * SPECS.size()) % 2 == 0 ? EmptyTextPolicy.ERROR : EmptyTextPolicy.SKIP;
        Path file = FuzzFiles.replace(dir.resolve("data"), Arrays.copyOfRange(bytes, 1, bytes.length));
        try {
            DatasetReader.readTraining(file,
                    new DatasetSpec(spec.textColumns(), spec.textSeparator(), spec.labels(), policy, format));
        } catch (HeadwiseException expected) {
            // the documented refusal
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void csvMutants() {
        QuickFuzz.run(getClass(), "csv", QUICK_RUNS, this::csv);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void tsvMutants() {
        QuickFuzz.run(getClass(), "tsv", QUICK_RUNS, this::tsv);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void jsonlMutants() {
        QuickFuzz.run(getClass(), "jsonl", QUICK_RUNS, this::jsonl);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void datasetMutants() {
        QuickFuzz.run(getClass(), "dataset", QUICK_RUNS, this::dataset);
    }

    private static void readAll(byte[] bytes, TableFormat format) throws IOException {
        Path file = FuzzFiles.replace(dir.resolve("table"), bytes);
        try (TableReader reader = TableReader.open(file, format)) {
            List<String> columns = reader.columns();
            while (reader.hasNext()) {
                Row row = reader.next();
                for (String column : columns) {
                    try {
                        row.get(column);
                    } catch (HeadwiseException absent) {
                        // a JSON line may lack a column; that is the row's documented answer
                    }
                }
            }
        } catch (HeadwiseException expected) {
            // the documented refusal
        }
    }

    private static DatasetSpec spec(LabelScheme labels, String... textColumns) {
        return new DatasetSpec(List.of(textColumns), DatasetSpec.DEFAULT_SEPARATOR, labels, EmptyTextPolicy.ERROR, null);
    }
}
