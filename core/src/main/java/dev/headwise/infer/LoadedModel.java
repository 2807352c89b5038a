package dev.headwise.infer;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.model.ConfigJson;
import dev.headwise.model.HeadwiseConfig;
import dev.headwise.model.InferencePrecision;
import dev.headwise.model.LinearBackend;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.TextClassifier;
import dev.headwise.tokenize.Padding;
import dev.headwise.tokenize.TextTokenizer;
import dev.headwise.tokenize.Tokenizers;
import dev.headwise.tokenize.Truncation;
import org.bytedeco.pytorch.Device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A model directory opened for use: the network, its tokenizer, and the precision its products run in (the one
 * asked for, or fp32 where the CPU lacks its instructions, with the reason).
 */
public record LoadedModel(TextClassifier model, TextTokenizer tokenizer, InferencePrecision.Choice precision)
        implements AutoCloseable {
    /** A trained classifier: config.json, weights with every head parameter, tokenizer. */
    public static LoadedModel classifier(Path dir, Device device) {
        return classifier(dir, device, null);
    }

    /** As {@link #classifier(Path, Device)}, its heads read as a {@code task} model (null: as its config says). */
    public static LoadedModel classifier(Path dir, Device device, Task task) {
        return classifier(dir, InferenceOptions.cpu().withDevice(device).withTask(task));
    }

    /** As {@link #classifier(Path, Device, Task)} with the options' device, task and precision (not its windows). */
    public static LoadedModel classifier(Path dir, InferenceOptions options) {
        return open(dir, () -> ModelFiles.load(dir, options.device(), options.task()), options.precision());
    }

    /** Any encoder directory (an imported or pretrained encoder, or a classifier); heads may be fresh. */
    public static LoadedModel encoder(Path dir, Device device) {
        return encoder(dir, device, InferencePrecision.FP32);
    }

    /** As {@link #encoder(Path, Device)}, its products in {@code precision} where the CPU has the instructions. */
    public static LoadedModel encoder(Path dir, Device device, InferencePrecision precision) {
        return open(dir, () -> ModelFiles.fromPretrained(dir, ConfigJson.read(dir.resolve("config.json")).heads(), device)
                .model(), precision);
    }

    /**
     * The tokenizer loads on another thread while the weights load: each takes a few hundred milliseconds,
     * and a service's first answer waits for both. The model's {@link LinearBackend} is bound meanwhile too
     * (the packed, int8 or bf16 copies of the weights made), rather than in the first prediction.
     */
    private static LoadedModel open(Path dir, Supplier<TextClassifier> loadModel, InferencePrecision precision) {
        ModelFiles.requireModelDir(dir);
        var tokenizer = CompletableFuture.supplyAsync(() -> Tokenizers.load(dir),
                task -> Thread.ofPlatform().daemon().name("headwise-tokenizer-load").start(task));
        TextClassifier model;
        InferencePrecision.Choice choice;
        try {
            model = loadModel.get();
            choice = model.device().is_cpu() ? precision.onThisCpu() : new InferencePrecision.Choice(precision, precision, null);
            model.useLinearBackend(LinearBackend.forInference(choice.running()));
        } catch (RuntimeException e) {
            tokenizer.thenAccept(TextTokenizer::close);
            throw e;
        }
        try {
            return new LoadedModel(model, tokenizer.join(), choice);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Longest input the model accepts: its positions, or less where tokenizer_config.json's model_max_length says so. */
    public int maxLength() {
        return Math.min(model.config().model().maxLength(), tokenizer.modelMaxLength());
    }

    /**
     * How the model cuts a longer text: as it was trained to, else at {@link #maxLength()} but at most
     * {@link HeadwiseConfig#DEFAULT_MAX_LENGTH} tokens.
     */
    public Truncation truncation() {
        return model.config().headwise().truncation(maxLength());
    }

    /** How batches for this model are padded: with the tokenizer's pad id, on the side the model reads. */
    public Padding padding() {
        return model.padding(tokenizer.padId());
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
