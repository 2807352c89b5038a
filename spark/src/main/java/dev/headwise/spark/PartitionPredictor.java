package dev.headwise.spark;

import dev.headwise.Task;
import dev.headwise.infer.Classifier;
import dev.headwise.infer.Prediction;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Runs on the executors: a partition's rows in batches through the JVM's one classifier, each row given
 * back with its prediction columns appended. Rows are read a batch ahead of what is returned, so memory
 * stays bounded however large the partition.
 */
final class PartitionPredictor implements MapPartitionsFunction<Row, Row> {
    private final String model; // a local path, or the name of the model's archive shipped in spark.archives
    private final boolean shipped;
    private final Task task;
    private final int[] textFields;
    private final int batchSize;
    private final LongAccumulator truncated;

    PartitionPredictor(String model, boolean shipped, Task task, int[] textFields, int batchSize, LongAccumulator truncated) {
        this.model = model;
        this.shipped = shipped;
        this.task = task;
        this.textFields = textFields.clone();
        this.batchSize = batchSize;
        this.truncated = truncated;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Path dir = Path.of(shipped ? SparkFiles.get(model) : model);
        TaskContext context = TaskContext.get();
        ClassifierCache.useThreads(context == null ? 1 : context.cpus());
        Classifier classifier = ClassifierCache.get(dir, task);
        return new Iterator<>() {
            private final List<Row> out = new ArrayList<>(batchSize);
            private int next;

            @Override
            public boolean hasNext() {
                if (next < out.size()) return true;
                if (!rows.hasNext()) return false;
                out.clear();
                next = 0;
                var batch = new ArrayList<Row>(batchSize);
                while (batch.size() < batchSize && rows.hasNext()) batch.add(rows.next());
                predict(classifier, batch);
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                return out.get(next++);
            }

            private void predict(Classifier classifier, List<Row> batch) {
                List<Prediction> ps = classifier.predict(batch.stream().map(PartitionPredictor.this::text).toList());
                for (int i = 0; i < batch.size(); i++) {
                    Row row = batch.get(i);
                    Prediction p = ps.get(i);
                    Object[] values = new Object[row.size() + 2];
                    for (int c = 0; c < row.size(); c++) values[c] = row.get(c);
                    values[row.size()] = p.labels().toArray(String[]::new);
                    values[row.size() + 1] = p.levels().stream().flatMap(l -> l.chosen().stream())
                            .mapToDouble(Prediction.Label::probability).boxed().toArray(Double[]::new);
                    out.add(RowFactory.create(values));
                    if (p.truncated() && truncated != null) truncated.add(1);
                }
            }
        };
    }

    /** The row's text: its text columns joined by newlines, as {@code headwise predict --input} joins them; null reads as empty. */
    private String text(Row row) {
        var sb = new StringBuilder();
        for (int i = 0; i < textFields.length; i++) {
            if (i > 0) sb.append('\n');
            Object v = row.get(textFields[i]);
            if (v != null) sb.append(v);
        }
        return sb.toString();
    }
}
