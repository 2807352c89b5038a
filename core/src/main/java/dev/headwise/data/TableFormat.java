package dev.headwise.data;

import java.nio.file.Path;
import java.util.Locale;

/** The table file formats headwise reads. */
public enum TableFormat {
    CSV,
    TSV,
    JSONL;

    /** The format named by the file extension: {@code .tsv} and {@code .tab} are TSV, {@code .jsonl}/{@code .ndjson} JSON Lines, anything else CSV. */
    public static TableFormat of(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".tsv") || name.endsWith(".tab")) {
            return TSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return JSONL;
        }
        return CSV;
    }
}
