package dev.headwise.model;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.weights.DType;
import dev.headwise.weights.ModelWeights;
import dev.headwise.weights.SafeTensors;
import dev.headwise.weights.TensorData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Model directories in the HF {@code save_pretrained} layout: {@code config.json} plus safetensors
 * weights under HF parameter names (the tokenizer files are the caller's).
 */
public final class ModelFiles {
    /** HF's default shard size for {@code save_pretrained}. */
    public static final long MAX_SHARD_BYTES = 5L << 30;

    private ModelFiles() {}

    /** Fails with a message saying what {@code dir} is instead, unless it is a directory holding a config.json. */
    public static void requireModelDir(Path dir) {
        if (Files.isRegularFile(dir)) {
            throw new HeadwiseException(dir + " is a file, not a model directory: --model takes a directory holding"
                    + " config.json and model.safetensors (made by `headwise import` or `headwise train`)"
                    + (dir.getFileName().toString().endsWith(".json") ? "; to train from a config.json, add --from-scratch." : "."));
        }
        if (!Files.isDirectory(dir)) throw new HeadwiseException("model directory " + dir + " does not exist.");
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new HeadwiseException(dir + " is not a model directory: it has no config.json.");
        }
    }

    /** A classifier saved by headwise or HF: every parameter must be present under its exact name. */
    public static TextClassifier load(Path dir, Device device) {
        return load(dir, device, null);
    }

    /**
     * As {@link #load(Path, Device)}, its heads read as a {@code task} model (null: as its config says), e.g. an
     * HF two-label classifier as a binary one; see {@link Heads#as}.
     */
    public static TextClassifier load(Path dir, Device device, Task task) {
        ClassifierConfig read = ConfigJson.read(dir.resolve("config.json"));
        ClassifierConfig config = task == null ? read : read.withHeads(read.heads().as(task));
        // Every parameter comes from the file, so random initialisation would only be overwritten.
        TextClassifier model = TextClassifier.allocate(config, device, torch.ScalarType.Float);
        var rows = HeadRows.Names.of(config.model().architecture());
        try (ModelWeights w = SafeTensors.openModelDir(dir); var scope = new PointerScope()) {
            if (!w.tensors().containsKey(rows.weight())) {
                throw new HeadwiseException(dir + " is an encoder without a classifier (it has no " + rows.weight() + "):"
                        + " `headwise train --model " + dir + " ...` fine-tunes a classifier from it, and"
                        + " `headwise encode` turns texts into vectors with it.");
            }
            Set<String> expected = new TreeSet<>(model.parameters().named().keySet());
            if (config.model().sinusoidalPositions()) expected.removeIf(n -> n.endsWith("position_embeddings.weight"));
            SafeTensors.requireNames(dir, w.tensors().keySet(), expected);
            Map<String, Tensor> values = toTensors(w.tensors(), Map.of());
            if (config.heads().task() == Task.BINARY && values.containsKey(rows.weight())
                    && values.get(rows.weight()).dim() == 2 && values.get(rows.weight()).size(0) == 2) {
                values.put(rows.weight(), HeadRows.binaryRow(values.get(rows.weight())));
                values.put(rows.bias(), HeadRows.binaryRow(values.get(rows.bias())));
            }
            model.parameters().load(values, dir.toString());
        }
        return model;
    }

    /**
     * A classifier whose encoder comes from a pretrained checkpoint ({@code BertModel}/{@code DistilBertModel}
     * names with or without the base prefix, or a full classifier) and whose heads, and a missing BERT pooler,
     * start from HF's initialisation. Weights the model has no use for (an MLM head, say) are ignored. From a
     * classifier checkpoint, each label's {@code classifier} row is taken by label name (see {@link HeadRows}).
     *
     * @return the model and what was newly initialised, for the user to see
     */
    public static Pretrained fromPretrained(Path dir, Heads heads, Device device) {
        ClassifierConfig base = ConfigJson.read(dir.resolve("config.json"));
        ClassifierConfig config = base.withHeads(heads);
        TextClassifier model = TextClassifier.allocate(config, device, torch.ScalarType.Float);
        String prefix = config.model().architecture().basePrefix;
        var rows = HeadRows.Names.of(config.model().architecture());
        try (ModelWeights w = SafeTensors.openModelDir(dir); var scope = new PointerScope()) {
            boolean prefixed = w.tensors().keySet().stream().anyMatch(n -> n.startsWith(prefix));
            var renamed = new LinkedHashMap<String, TensorData>();
            w.tensors().forEach((name, t) -> renamed.put(prefixed ? name : prefix + name, t));
            var fresh = new ArrayList<String>();
            var wanted = new HashMap<String, TensorData>();
            for (String name : model.parameters().named().keySet()) {
                TensorData t = renamed.get(name);
                boolean headOrPooler = !model.isEncoderParameter(name) || name.contains("pooler.");
                boolean headRow = rows.contains(name);
                if (t != null && !headRow && !(headOrPooler && !sameShape(t, model.parameters().named().get(name)))) {
                    wanted.put(name, t);
                } else if (headOrPooler || (config.model().sinusoidalPositions() && name.contains("position_embeddings"))) {
                    fresh.add(name);
                }
            }
            // As HF's from_pretrained, only the weights the checkpoint lacks are initialised.
            model.parameters().initialize(config.model().initializerRange(), config.model().padTokenId(),
                    fresh::contains);
            // Encoder parameters must all come from the checkpoint: load() reports the missing ones.
            var current = new HashMap<>(model.parameters().named());
            HeadRows.Carried carried = null;
            if (renamed.containsKey(rows.weight()) && renamed.containsKey(rows.bias())) {
                carried = HeadRows.carry(base.heads(), Tensors.borrow(renamed.get(rows.weight())),
                        Tensors.borrow(renamed.get(rows.bias())), heads, current.get(rows.weight()),
                        current.get(rows.bias()));
                if (carried.newLabels().size() < heads.logitNames().size()) fresh.removeAll(List.of(rows.weight(), rows.bias()));
            }
            var values = toTensors(wanted, current);
            fresh.forEach(n -> values.put(n, current.get(n)));
            model.parameters().load(values, dir.toString());
            return carried == null ? new Pretrained(model, List.copyOf(fresh), List.of(), List.of(), false)
                    : new Pretrained(model, List.copyOf(fresh), carried.newLabels(), carried.droppedLabels(),
                    carried.reordered());
        }
    }

    /**
     * A model with some parameters newly initialised (heads on a pretrained encoder).
     *
     * @param newLabels     labels of the new heads that the checkpoint's classifier lacked (fresh rows)
     * @param droppedLabels labels of the checkpoint's classifier that the new heads lack
     * @param reordered     whether rows taken from the checkpoint changed position
     */
    public record Pretrained(TextClassifier model, List<String> newlyInitialized, List<String> newLabels,
                             List<String> droppedLabels, boolean reordered) {}

    /**
     * Writes config.json and model.safetensors (fp32, HF names) into {@code dir}. A binary model's one logit is
     * written as HF's two-label form, rows [0, w] and bias [0, b], whose softmax is the sigmoid of w.x + b.
     */
    public static void save(TextClassifier model, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new HeadwiseException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        var tensors = new ArrayList<TensorData>();
        boolean binary = model.config().heads().task() == Task.BINARY;
        var rows = HeadRows.Names.of(model.config().model().architecture());
        try (var arena = Arena.ofConfined(); var scope = new PointerScope()) {
            model.parameters().named().forEach((name, t) -> {
                if (!(model.config().model().sinusoidalPositions() && name.endsWith("position_embeddings.weight"))) {
                    boolean row = binary && rows.contains(name);
                    tensors.add(Tensors.toData(name, row ? HeadRows.pair(t) : t, arena));
                }
            });
            SafeTensors.writeModelDir(dir, tensors, Map.of("format", "pt"), MAX_SHARD_BYTES);
        }
        ConfigJson.write(model.config(), dir.resolve("config.json"));
    }

    /**
     * Writes a pretrained encoder without heads, as HF's {@code BertModel.save_pretrained} would:
     * config.json with {@code architectures: [BertModel]} and unprefixed parameter names.
     */
    public static void saveEncoder(ModelConfig config, List<TensorData> tensors, Path dir) {
        SafeTensors.writeModelDir(dir, tensors, Map.of("format", "pt"), MAX_SHARD_BYTES);
        ConfigJson.writeEncoder(config, dir.resolve("config.json"));
    }

    private static boolean sameShape(TensorData t, Tensor p) {
        return java.util.Arrays.equals(t.shape(), Tensors.shape(p));
    }

    /**
     * Checkpoint tensors as libtorch tensors over the mapped file (in the caller's scope, valid while the
     * file is open), keeping {@code extra} entries.
     */
    private static Map<String, Tensor> toTensors(Map<String, TensorData> data, Map<String, Tensor> extra) {
        var out = new HashMap<String, Tensor>(extra);
        data.forEach((name, t) -> out.put(name, Tensors.borrow(t)));
        return out;
    }

}
