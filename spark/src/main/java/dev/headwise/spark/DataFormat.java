package dev.headwise.spark;

import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Locale;

/** The table formats {@code headwise spark predict} reads and writes, told by the file or folder name's extension. */
enum DataFormat {
    CSV,
    TSV,
    JSONL,
    PARQUET;

    /** The format a name's extension gives (Spark's part files included: {@code .csv}, {@code .json}, {@code .snappy.parquet}), or null. */
    static DataFormat of(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv")) return CSV;
        if (n.endsWith(".tsv") || n.endsWith(".tab")) return TSV;
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")) return JSONL;
        if (n.endsWith(".parquet")) return PARQUET;
        return null;
    }

    /**
     * A reader as strict as headwise's own: CSV and TSV as RFC 4180 (quoted fields may span lines, {@code ""}
     * escapes a quote), every column a string; a malformed row fails the job instead of becoming nulls.
     */
    DataFrameReader reader(SparkSession spark) {
        DataFrameReader r = spark.read();
        return switch (this) {
            case CSV, TSV -> r.format("csv").option("header", true).option("multiLine", true).option("quote", "\"")
                    .option("escape", "\"").option("sep", this == TSV ? "\t" : ",").option("mode", "FAILFAST")
                    .option("encoding", "UTF-8");
            case JSONL -> r.format("json").option("mode", "FAILFAST");
            case PARQUET -> r.format("parquet");
        };
    }

    /** A writer of this format; CSV as RFC 4180 with a header row. */
    DataFrameWriter<Row> writer(Dataset<Row> rows) {
        DataFrameWriter<Row> w = rows.write();
        return switch (this) {
            case CSV, TSV -> w.format("csv").option("header", true).option("quote", "\"").option("escape", "\"")
                    .option("sep", this == TSV ? "\t" : ",");
            case JSONL -> w.format("json");
            case PARQUET -> w.format("parquet");
        };
    }
}
