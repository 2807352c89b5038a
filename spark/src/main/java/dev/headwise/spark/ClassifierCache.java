package dev.headwise.spark;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.infer.Classifier;
import dev.headwise.model.Devices;
import dev.headwise.model.TorchRuntime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link Classifier} per model directory and task in each JVM, loaded by the first task that needs it
 * and shared by the tasks running there at the same time ({@code Classifier} is thread-safe). It stays
 * loaded for the JVM's life, as an executor's cached data does: a model directory is read once per JVM.
 */
final class ClassifierCache {
    private ClassifierCache() {}

    private record Key(Path dir, Task task) {}

    private static final Map<Key, Classifier> LOADED = new ConcurrentHashMap<>();

    private static int threads; // what this JVM's libtorch was last set to; 0: not set here

    /** The classifier for {@code dir}, its logits read as {@code task} (null: as saved), loaded on first use. */
    static Classifier get(Path dir, Task task) {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw new HeadwiseException("model directory " + dir + " not found.");
        }
        return LOADED.computeIfAbsent(new Key(real, task), k -> Classifier.load(k.dir(), Devices.parse("cpu"), k.task(), null));
    }

    /**
     * Sets this JVM's libtorch threads to what Spark gives each task ({@code spark.task.cpus}), so that the
     * tasks an executor runs side by side together use its cores and no more. The same for every task of an
     * application, so it is set once.
     */
    static synchronized void useThreads(int n) {
        if (n == threads) return;
        new TorchRuntime(n).apply();
        threads = n;
    }
}
