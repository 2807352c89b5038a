package dev.headwise.spark;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A headwise classifier over Spark DataFrames: {@link #transform} appends to each row the labels the model
 * decides for its text and their probabilities, keeping every input column. Each executor JVM loads the
 * model once and predicts its partitions' rows in batches. On a cluster the model directory's files go to
 * the executors as the archive {@link #archive()}, which the session starts with ({@code spark.archives}).
 *
 * <pre>{@code
 * var classifier = SparkClassifier.load(new SparkClassifier.Options(Path.of("runs/news")));
 * Dataset<Row> predicted = classifier.transform(spark.read().parquet("articles.parquet"));
 * }</pre>
 */
public final class SparkClassifier {
    /** The decided labels, {@code array<string>}: one for multi-class and binary, one per level for hierarchical, any number for multi-label. */
    public static final String PREDICTION = "prediction";
    /** The probabilities of {@link #PREDICTION}'s labels, in the same order, {@code array<double>}. */
    public static final String PROBABILITY = "probability";

    /**
     * What to predict with: a model directory from {@code headwise train} (or an HF sequence classifier),
     * the text column(s) joined by newlines into one text per row (null: those the model was trained on),
     * the task its logits are read as (null: as saved) and the texts per batch.
     */
    public record Options(Path model, List<String> textColumns, Task task, int batchSize) {
        public Options {
            if (model == null) throw new HeadwiseException("a model directory is needed.");
            model = model.toAbsolutePath().normalize();
            if (textColumns != null) {
                if (textColumns.isEmpty()) throw new HeadwiseException("at least one text column is needed.");
                textColumns = List.copyOf(textColumns);
            }
            if (batchSize < 1) throw new HeadwiseException("--batch-size must be at least 1, got " + batchSize + ".");
        }

        public Options(Path model) {
            this(model, null, null, 32);
        }
    }

    private final Options options;
    private final List<String> textColumns;
    private Path archive; // the model as shipped to a cluster, once

    private SparkClassifier(Options options, List<String> textColumns) {
        this.options = options;
        this.textColumns = textColumns;
    }

    /**
     * Loads the model in this (the driver's) JVM once, which checks it and, in local mode, is the copy the
     * tasks use. In an executor JVM, libtorch runs {@code spark.task.cpus} threads per task (Spark's default:
     * one), so that the tasks Spark runs side by side share the cores it gave them.
     */
    public static SparkClassifier load(Options options) {
        if (!Files.isDirectory(options.model())) throw new HeadwiseException("model directory " + options.model() + " not found.");
        var classifier = ClassifierCache.get(options.model(), options.task());
        return new SparkClassifier(options, options.textColumns() != null ? options.textColumns() : classifier.textColumns());
    }

    /** The columns whose text is predicted. */
    public List<String> textColumns() {
        return textColumns;
    }

    /** The input's rows and columns, each row with {@link #PREDICTION} and {@link #PROBABILITY} appended. */
    public Dataset<Row> transform(Dataset<Row> input) {
        return transform(input, null);
    }

    /** As {@link #transform(Dataset)}, counting in {@code truncated} the texts longer than the model reads. */
    Dataset<Row> transform(Dataset<Row> input, LongAccumulator truncated) {
        StructType schema = input.schema();
        List<String> columns = Arrays.asList(schema.fieldNames());
        var missing = textColumns.stream().filter(c -> !columns.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new HeadwiseException("no column " + String.join(", ", missing) + " in the input; its columns are "
                    + String.join(", ", columns) + (options.textColumns() == null ? " (pass the text column)." : "."));
        }
        for (String out : List.of(PREDICTION, PROBABILITY)) {
            if (columns.contains(out)) throw new HeadwiseException("the input already has a column '" + out + "'; rename or drop it first.");
        }
        int[] textFields = textColumns.stream().mapToInt(schema::fieldIndex).toArray();
        StructType outSchema = schema
                .add(PREDICTION, DataTypes.createArrayType(DataTypes.StringType, false), false)
                .add(PROBABILITY, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        SparkContext sc = input.sparkSession().sparkContext();
        // Local tasks run in this JVM and read the directory itself; a cluster's executors unpack their own copy.
        boolean shipped = !sc.isLocal();
        String model = options.model().toString();
        if (shipped) {
            // Spark 4 sends executors only the archives its context started with (spark.archives).
            String zip = archive().getFileName().toString();
            if (!sc.getConf().get("spark.archives", "").contains(zip)) {
                throw new HeadwiseException("on a cluster, start the session with spark.archives=" + archive()
                        + " (SparkClassifier.archive()), which ships the model to the executors.");
            }
            model = zip;
        }
        var predictor = new PartitionPredictor(model, shipped, options.task(), textFields, options.batchSize(), truncated);
        return input.mapPartitions(predictor, Encoders.row(outSchema));
    }

    /**
     * The model directory's files as one zip (written once, to a temporary file), for a cluster session's
     * {@code spark.archives}: executors unpack it and load the model from there.
     */
    public synchronized Path archive() {
        if (archive == null) archive = ModelArchive.of(options.model());
        return archive;
    }
}
