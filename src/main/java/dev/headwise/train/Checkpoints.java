package dev.headwise.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.headwise.HeadwiseException;
import dev.headwise.io.AtomicFiles;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.Tensors;
import dev.headwise.model.TextClassifier;
import dev.headwise.tokenize.TokenizerFiles;
import dev.headwise.weights.SafeTensors;
import dev.headwise.weights.TensorData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checkpoints under {@code <out>/checkpoints/checkpoint-<step>/}, each a loadable model directory plus
 * {@code optimizer.safetensors} (AdamW moments, RNG state) and {@code trainer_state.json}. A checkpoint is
 * written beside its final name and renamed into place, so a crash never leaves a half-written one.
 */
final class Checkpoints {
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final TokenizerFiles.Saved tokenizer;

    Checkpoints(Path root, TokenizerFiles.Saved tokenizer) {
        this.root = root;
        this.tokenizer = tokenizer;
    }

    Path dir(long step) {
        return root.resolve("checkpoint-" + step);
    }

    Path save(TextClassifier model, AdamW optimizer, TrainerState state) {
        Path target = dir(state.step());
        try {
            AtomicFiles.replaceDirectory(target, true, tmp -> {
                ModelFiles.save(model, tmp);
                if (tokenizer != null) tokenizer.writeTo(tmp);
                try (var arena = Arena.ofConfined(); var scope = new PointerScope()) {
                    List<TensorData> tensors = List.of(
                            Tensors.toData("exp_avg", optimizer.expAvg(), arena),
                            Tensors.toData("exp_avg_sq", optimizer.expAvgSq(), arena),
                            Tensors.toData("rng_state", torch.getDefaultCPUGenerator().get_state(), arena));
                    SafeTensors.write(tmp.resolve("optimizer.safetensors"), tensors,
                            Map.of("adamw_step", Long.toString(optimizer.stepCount())));
                }
                Files.write(tmp.resolve("trainer_state.json"), JSON.writeValueAsBytes(state));
            });
        } catch (IOException e) {
            throw new HeadwiseException("cannot write checkpoint " + target + ": " + e.getMessage()
                    + "; earlier checkpoints are intact.", e);
        }
        return target;
    }

    /** The newest complete checkpoint, if any. */
    Optional<Path> latest() {
        return list().stream().max(Comparator.comparingLong(Checkpoints::stepOf));
    }

    /** Loads weights, optimizer moments and RNG state; returns the trainer state to continue from. */
    TrainerState restore(Path checkpoint, TextClassifier model, AdamW optimizer) {
        loadWeights(checkpoint, model);
        try (var f = SafeTensors.open(checkpoint.resolve("optimizer.safetensors")); var scope = new PointerScope()) {
            var t = f.tensors();
            optimizer.restore(Tensors.fromData(t.get("exp_avg")), Tensors.fromData(t.get("exp_avg_sq")),
                    Long.parseLong(f.metadata().get("adamw_step")));
            torch.getDefaultCPUGenerator().set_state(Tensors.fromData(t.get("rng_state"), torch.ScalarType.Byte));
            return JSON.readValue(checkpoint.resolve("trainer_state.json").toFile(), TrainerState.class);
        } catch (IOException | RuntimeException e) {
            if (e instanceof HeadwiseException h) throw h;
            throw new HeadwiseException("checkpoint " + checkpoint + " cannot be resumed from: " + e.getMessage(), e);
        }
    }

    static void loadWeights(Path checkpoint, TextClassifier into) {
        TextClassifier saved = ModelFiles.load(checkpoint, into.device());
        try (var noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
            into.parameters().flat().copy_(saved.parameters().flat());
        }
    }

    /** Deletes all but the newest {@code keep} checkpoints, never the one at {@code protectedStep}. */
    void rotate(int keep, long protectedStep) {
        var all = new ArrayList<>(list());
        all.sort(Comparator.comparingLong(Checkpoints::stepOf).reversed());
        for (int i = keep; i < all.size(); i++) {
            if (stepOf(all.get(i)) == protectedStep) continue;
            try {
                AtomicFiles.deleteTree(all.get(i));
            } catch (IOException e) {
                throw new HeadwiseException("cannot delete old checkpoint " + all.get(i) + ": " + e.getMessage(), e);
            }
        }
    }

    private List<Path> list() {
        if (!Files.isDirectory(root)) return List.of();
        try (var s = Files.list(root)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.exists(p.resolve("trainer_state.json"))).toList();
        } catch (IOException e) {
            throw new HeadwiseException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    static long stepOf(Path checkpoint) {
        var m = NAME.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) throw new IllegalArgumentException(checkpoint.toString());
        return Long.parseLong(m.group(1));
    }
}
