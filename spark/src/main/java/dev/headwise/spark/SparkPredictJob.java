package dev.headwise.spark;

import dev.headwise.HeadwiseException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.util.LongAccumulator;

import java.io.IOException;
import java.util.Arrays;
import java.util.UUID;

/**
 * A table file or folder in, the same rows with their predictions out, on any file system Spark reads
 * (local, HDFS, object stores). The output is written to a hidden folder beside it and renamed into place
 * when complete, so a failed run leaves nothing, and an {@code overwrite} replaces the old output only
 * once the new one is whole.
 *
 * @param partitions how many tasks share the rows; 0: the input's partitions, or Spark's default
 *                   parallelism where that is more (a CSV file is one partition)
 */
record SparkPredictJob(String input, String output, boolean overwrite, int partitions) {
    SparkPredictJob {
        if (partitions < 0) throw new HeadwiseException("--partitions must be 0 (automatic) or more, got " + partitions + ".");
        if (outputFormat(output) == null) {
            throw new HeadwiseException("--output " + output + " must end in .parquet, .csv, .tsv or .jsonl (the format to write).");
        }
    }

    /** What the job did. */
    record Result(long rows, long truncated) {}

    private static DataFormat outputFormat(String output) {
        return DataFormat.of(new Path(output).getName());
    }

    /** The input, the output and the input's format, checked. */
    record Checked(Path in, DataFormat inFormat, Path out, FileSystem outFs) {}

    /**
     * Checks the paths on the file systems {@code conf} reaches: the input is there, the output is not (or
     * may be overwritten) and is not the input.
     */
    Checked check(Configuration conf) throws IOException {
        Path in = new Path(input), out = new Path(output);
        FileSystem inFs = in.getFileSystem(conf), outFs = out.getFileSystem(conf);
        if (!inFs.exists(in)) throw new HeadwiseException("--input " + input + " not found.");
        in = inFs.makeQualified(in);
        out = outFs.makeQualified(out);
        if (in.equals(out)) throw new HeadwiseException("--output " + output + " is the --input; write the predictions elsewhere.");
        if (outFs.exists(out) && !overwrite) throw new HeadwiseException(output + " already exists; use --overwrite to replace it.");
        return new Checked(in, inputFormat(inFs, in), out, outFs);
    }

    /** Checks the paths again, predicts every row and writes them; nothing is written if a check fails. */
    Result run(SparkSession spark, SparkClassifier classifier) throws IOException {
        Checked paths = check(spark.sparkContext().hadoopConfiguration());
        Path in = paths.in(), out = paths.out();
        FileSystem outFs = paths.outFs();
        Dataset<Row> rows = paths.inFormat().reader(spark).load(in.toString());
        LongAccumulator truncated = spark.sparkContext().longAccumulator("headwise truncated texts");
        Dataset<Row> predicted = classifier.transform(spread(spark, rows), truncated);
        DataFormat format = outputFormat(output);
        if (format == DataFormat.CSV || format == DataFormat.TSV) predicted = flattened(predicted);

        Path tmp = new Path(out.getParent(), "." + out.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            format.writer(predicted).save(tmp.toString());
            if (outFs.exists(out) && !outFs.delete(out, true)) throw new HeadwiseException("could not remove the old " + output + ".");
            if (!outFs.rename(tmp, out)) throw new HeadwiseException("could not move the predictions to " + output + ".");
        } finally {
            if (outFs.exists(tmp)) outFs.delete(tmp, true);
        }
        long written = format.reader(spark).load(out.toString()).count();
        return new Result(written, truncated.value());
    }

    /**
     * The input's format: a file's by its extension (CSV for any other, as {@code headwise predict} reads it);
     * a folder's by its own extension if it has one, else by its data files' (Spark's part files).
     */
    private static DataFormat inputFormat(FileSystem fs, Path in) throws IOException {
        DataFormat named = DataFormat.of(in.getName());
        if (named != null || !fs.getFileStatus(in).isDirectory()) return named != null ? named : DataFormat.CSV;
        var found = Arrays.stream(fs.listStatus(in)).filter(FileStatus::isFile).map(s -> s.getPath().getName())
                .filter(n -> !n.startsWith("_") && !n.startsWith(".")).map(DataFormat::of).distinct().toList();
        if (found.size() != 1 || found.getFirst() == null) {
            throw new HeadwiseException("cannot tell the format of the files in " + in + "; name the folder with its extension"
                    + " (.csv, .tsv, .jsonl or .parquet) or keep files of one format there.");
        }
        return found.getFirst();
    }

    /**
     * The rows over {@link #partitions} tasks, or over Spark's default parallelism if the input has fewer
     * partitions. Split by ranges of their position, so the output's part files keep the input's order.
     */
    private Dataset<Row> spread(SparkSession spark, Dataset<Row> rows) {
        int have = rows.rdd().getNumPartitions();
        int want = partitions > 0 ? partitions : Math.max(have, spark.sparkContext().defaultParallelism());
        if (want == have) return rows;
        String order = "__headwise_row";
        return rows.withColumn(order, functions.monotonically_increasing_id())
                .repartitionByRange(want, functions.col(order))
                .sortWithinPartitions(order)
                .drop(order);
    }

    /** CSV has no arrays: labels and probabilities joined by {@code |}, as {@code headwise predict --output} writes them. */
    private static Dataset<Row> flattened(Dataset<Row> predicted) {
        Column probs = functions.transform(functions.col(SparkClassifier.PROBABILITY),
                p -> functions.format_string("%.4f", p));
        return predicted
                .withColumn(SparkClassifier.PREDICTION, functions.array_join(functions.col(SparkClassifier.PREDICTION), "|"))
                .withColumn(SparkClassifier.PROBABILITY, functions.array_join(probs, "|"));
    }
}
