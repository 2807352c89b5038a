package dev.headwise.spark;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code headwise spark ...}: batch jobs on Spark. The command classes name no Spark type, so the CLI
 * starts without Spark's jars; only running a job needs them ({@code ./headwise spark} adds them).
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
        description = "Batch prediction on Spark: embedded in local mode, or on a cluster with --master.",
        subcommands = SparkCommand.Predict.class)
public final class SparkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing the Spark job to run, e.g. 'spark predict'.");
    }

    /** {@code spark predict}: a table's rows with the model's labels and probabilities appended. */
    @Command(name = "predict", mixinStandardHelpOptions = true,
            description = {"Predict every row of a CSV, TSV, JSONL or Parquet file or folder on Spark, and write the rows "
                    + "with prediction and probability columns added: a folder of part files, Parquet, CSV, TSV or JSONL "
                    + "by --output's extension, in the input's order.",
                    "Each Spark task runs spark.task.cpus libtorch threads (default 1); each JVM loads the model once."})
    static final class Predict implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory from train (or an HF classifier).")
        Path model;
        @Option(names = "--input", required = true, paramLabel = "FILE|DIR",
                description = "CSV, TSV, JSONL or Parquet, a file or a folder of them; any path or URI Spark reads.")
        String input;
        @Option(names = "--output", required = true, paramLabel = "DIR",
                description = "The folder to write: name.parquet, name.csv, name.tsv or name.jsonl.")
        String output;
        @Option(names = "--master", defaultValue = "local[*]", paramLabel = "URL",
                description = "Spark master (default: ${DEFAULT-VALUE}, Spark inside this process on every core).")
        String master;
        @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting, as spark-submit's --conf; repeatable.")
        Map<String, String> conf = new LinkedHashMap<>();
        @Option(names = "--text-column", split = ",", paramLabel = "NAME", description = "Text column(s) of --input (default: as trained).")
        List<String> textColumns;
        @Option(names = "--task", paramLabel = "TASK",
                description = "Read the model's logits as this task (e.g. binary for an HF two-label model; default: as saved).")
        String task;
        @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N", description = "Texts per batch (default: ${DEFAULT-VALUE}).")
        int batchSize;
        @Option(names = "--partitions", defaultValue = "0", paramLabel = "N",
                description = "Tasks to spread the rows over (default: the input's partitions, at least Spark's default parallelism).")
        int partitions;
        @Option(names = "--overwrite", description = "Replace an existing --output.")
        boolean overwrite;

        @Override
        public Integer call() throws Exception {
            var options = new SparkClassifier.Options(model, textColumns, task == null ? null : Task.parse(task), batchSize);
            SparkRuntime.require();
            var result = SparkRuntime.predict(master, conf, options, input, output, overwrite, partitions);
            var out = spec.commandLine().getOut();
            out.printf("wrote %d predictions to %s%n", result.rows(), output);
            if (result.truncated() > 0) {
                out.printf("note: %d text(s) were longer than the model reads; they were cut as headwise predict cuts them%n",
                        result.truncated());
            }
            out.flush();
            return 0;
        }
    }

    /** Spark itself, reached only once it is known to be there. */
    private static final class SparkRuntime {
        private SparkRuntime() {}

        /** One clear line where Spark's jars or its JVM flags are missing, instead of a class or access error midway. */
        static void require() {
            try {
                Class.forName("org.apache.spark.sql.SparkSession", false, SparkCommand.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new HeadwiseException("Spark is not on the class path; run ./headwise spark, which adds it, or see docs/spark.md.");
            }
            if (!Object.class.getModule().isOpen("java.nio", SparkCommand.class.getModule())) {
                throw new HeadwiseException("Spark needs JVM flags on Java 25 (java @scripts/spark-java-options ...); ./headwise spark"
                        + " passes them, docs/spark.md lists them.");
            }
        }

        static SparkPredictJob.Result predict(String master, Map<String, String> conf, SparkClassifier.Options options,
                                              String input, String output, boolean overwrite, int partitions) throws Exception {
            var job = new SparkPredictJob(input, output, overwrite, partitions);
            // The paths and the model are checked before Spark starts (seconds), on the Hadoop settings Spark will use.
            var hadoop = new org.apache.hadoop.conf.Configuration();
            conf.forEach((k, v) -> {
                if (k.startsWith("spark.hadoop.")) hadoop.set(k.substring("spark.hadoop.".length()), v);
            });
            job.check(hadoop);
            var classifier = SparkClassifier.load(options);
            var builder = org.apache.spark.sql.SparkSession.builder().master(master).appName("headwise spark predict")
                    .config("spark.ui.enabled", false);
            String jars = System.getProperty("headwise.spark.jars");
            if (master.equals("local") || master.startsWith("local[")) {
                // Embedded Spark serves its own tasks only: on the loopback address, without a look-up of this host's name.
                builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "localhost");
            } else {
                if (jars != null) builder.config("spark.jars", jars);
                builder.config("spark.archives", classifier.archive().toString());
            }
            conf.forEach(builder::config);
            var spark = builder.getOrCreate();
            try {
                return job.run(spark, classifier);
            } catch (HeadwiseException e) {
                throw e;
            } catch (Exception e) {
                throw SparkErrors.reported(e);
            } finally {
                spark.stop();
            }
        }
    }
}
