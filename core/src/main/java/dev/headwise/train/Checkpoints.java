package dev.headwise.train;

import dev.headwise.HeadwiseException;
import dev.headwise.io.AtomicFiles;
import dev.headwise.io.Json;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.Tensors;
import dev.headwise.model.TextClassifier;
import dev.headwise.tokenize.TokenizerFiles;
import dev.headwise.weights.SafeTensors;
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
 * {@code trainer_state.json}. Only the newest, the one a resume starts from, keeps {@code optimizer.safetensors}
 * (AdamW moments, RNG state; twice the size of the weights), and a finished run keeps none. A checkpoint is
 * written beside its final name and renamed into place, so a crash never leaves a half-written one.
 */
public final class Checkpoints {
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    /** What {@link AtomicFiles} leaves when the process dies mid-write (a second Ctrl-C, a kill). */
    private static final Pattern LEFTOVER = Pattern.compile("\\.checkpoint-\\d+\\.(new|old)-.*");
    private static final String OPTIMIZER = "optimizer.safetensors";

    private final Path root;
    private final TokenizerFiles.Saved tokenizer;

    Checkpoints(Path root, TokenizerFiles.Saved tokenizer) {
        this.root = root;
        this.tokenizer = tokenizer;
    }

    Path dir(long step) {
        return root.resolve("checkpoint-" + step);
    }

    /**
     * What a checkpoint holds beside the weights and moments, for a resume: the run's state, each rank's
     * generator state (rank 0's first), and the world that wrote it (null in checkpoints of one process from
     * earlier versions).
     */
    record Restored(TrainerState state, List<byte[]> rngStates, Integer worldSize, Integer globalBatchSize) {}

    /** @param rngStates every rank's generator state, rank 0's first */
    Path save(TextClassifier model, AdamW optimizer, TrainerState state, List<byte[]> rngStates, int globalBatchSize) {
        Path target = dir(state.step());
        try {
            AtomicFiles.replaceDirectory(target, true, tmp -> {
                ModelFiles.save(model, tmp);
                if (tokenizer != null) tokenizer.writeTo(tmp);
                try (var arena = Arena.ofConfined(); var scope = new PointerScope()) {
                    var tensors = new ArrayList<>(List.of(
                            Tensors.toData("exp_avg", optimizer.expAvg(), arena),
                            Tensors.toData("exp_avg_sq", optimizer.expAvgSq(), arena)));
                    for (int r = 0; r < rngStates.size(); r++) {
                        tensors.add(Tensors.toData(rngName(r), Tensors.bytes(rngStates.get(r)), arena));
                    }
                    SafeTensors.write(tmp.resolve(OPTIMIZER), tensors, Map.of("adamw_step",
                            Long.toString(optimizer.stepCount()), "world_size", Integer.toString(rngStates.size()),
                            "global_batch_size", Integer.toString(globalBatchSize)));
                }
                Files.write(tmp.resolve("trainer_state.json"), Json.INDENTED.writeValueAsBytes(state));
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

    /** The newest complete checkpoint under {@code root}, for a launcher naming the last good one. */
    static Optional<Path> latest(Path root) {
        return new Checkpoints(root, null).latest();
    }

    /** Rank 0's generator state is {@code rng_state}, as one process writes it; rank r's {@code rng_state_rank<r>}. */
    private static String rngName(int rank) {
        return rank == 0 ? "rng_state" : "rng_state_rank" + rank;
    }

    /** Loads weights and optimizer moments; returns the rest, every rank's generator state included. */
    Restored restore(Path checkpoint, TextClassifier model, AdamW optimizer) {
        if (!Files.exists(checkpoint.resolve(OPTIMIZER))) {
            throw new HeadwiseException("checkpoint " + checkpoint + " holds weights only (no " + OPTIMIZER
                    + "): only the newest checkpoint of an unfinished run can be resumed from.");
        }
        loadWeights(checkpoint, model);
        try (var f = SafeTensors.open(checkpoint.resolve(OPTIMIZER)); var scope = new PointerScope()) {
            var t = f.tensors();
            var meta = f.metadata();
            optimizer.restore(Tensors.fromData(t.get("exp_avg")), Tensors.fromData(t.get("exp_avg_sq")),
                    Long.parseLong(meta.get("adamw_step")));
            var rng = new ArrayList<byte[]>();
            for (int r = 0; t.containsKey(rngName(r)); r++) {
                rng.add(Tensors.toBytes(Tensors.fromData(t.get(rngName(r)), torch.ScalarType.Byte)));
            }
            return new Restored(Json.MAPPER.readValue(checkpoint.resolve("trainer_state.json").toFile(), TrainerState.class),
                    rng, meta.containsKey("world_size") ? Integer.valueOf(meta.get("world_size")) : null,
                    meta.containsKey("global_batch_size") ? Integer.valueOf(meta.get("global_batch_size")) : null);
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
        into.weightsChanged();
    }

    /**
     * Deletes all but the newest {@code keep} checkpoints, never the one at {@code protectedStep}, and the
     * optimizer state of all but the newest.
     */
    void rotate(int keep, long protectedStep) {
        var all = new ArrayList<>(list());
        all.sort(Comparator.comparingLong(Checkpoints::stepOf).reversed());
        for (int i = 1; i < all.size(); i++) {
            delete(i < keep || stepOf(all.get(i)) == protectedStep ? all.get(i).resolve(OPTIMIZER) : all.get(i));
        }
    }

    /** Deletes the optimizer state of every checkpoint: a finished run is not resumed. */
    void dropOptimizerState() {
        list().forEach(c -> delete(c.resolve(OPTIMIZER)));
    }

    /** Deletes the temporary folders of checkpoint writes that a dying process left behind. */
    void removeLeftovers() {
        if (!Files.isDirectory(root)) return;
        try (var s = Files.list(root)) {
            s.filter(p -> LEFTOVER.matcher(p.getFileName().toString()).matches()).toList().forEach(this::delete);
        } catch (IOException e) {
            throw new HeadwiseException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private void delete(Path p) {
        try {
            AtomicFiles.deleteTree(p);
        } catch (IOException e) {
            throw new HeadwiseException("cannot delete " + p + ": " + e.getMessage(), e);
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

    /** The step a checkpoint folder ({@code checkpoint-<step>}) was written at. */
    public static long stepOf(Path checkpoint) {
        var m = NAME.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) throw new IllegalArgumentException(checkpoint.toString());
        return Long.parseLong(m.group(1));
    }
}
