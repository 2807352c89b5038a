package dev.headwise.cli;

import dev.headwise.Task;
import dev.headwise.bench.ModelShapes;
import dev.headwise.infer.Classifier;
import dev.headwise.io.AtomicFiles;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.Devices;
import dev.headwise.model.Heads;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.TextClassifier;
import dev.headwise.weights.onnx.BundledModels;
import picocli.CommandLine.Command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code headwise aot-training-run} (hidden): a service's start-up (load a saved classifier, answer a first
 * prediction) on a tiny model, which the launcher runs once per build with {@code -XX:AOTCacheOutput}. The
 * JVM's ahead-of-time cache recorded from it holds the classes this path loads and links, libtorch's
 * thousands of binding classes among them, and their profiles, so later starts skip that work.
 */
@Command(name = "aot-training-run", hidden = true,
        description = "Save a tiny classifier to a temporary directory, load it and predict (the launcher records its JVM cache from this).")
final class AotTrainingRunCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("headwise-aot-training-");
        try {
            // The bundled tokenizer's vocabulary, and a model small enough to save and load in moments.
            var shape = ModelShapes.minilm().withSize(30522, 32, 2, 2, 64, 512);
            var config = new ClassifierConfig(shape, Heads.single(Task.MULTICLASS, List.of("ham", "spam")));
            ModelFiles.save(TextClassifier.create(config, Devices.parse("cpu")), dir);
            BundledModels.ALL_MINILM_L6_V2.copyTokenizerTo(dir.resolve("tokenizer.json"));
            try (var classifier = Classifier.load(dir)) {
                classifier.predict("Subject: a first prediction");
                classifier.predict(List.of("a batch of two texts,", "one of them a little longer than the other"));
            }
            return 0;
        } finally {
            AtomicFiles.deleteTree(dir);
        }
    }
}
