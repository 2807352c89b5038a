package dev.headwise.infer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.data.LabelSpace;
import dev.headwise.metrics.HierarchicalDecoder;
import dev.headwise.metrics.Thresholds;
import dev.headwise.model.Devices;
import dev.headwise.model.Heads;
import dev.headwise.model.Loss;
import dev.headwise.model.ModelInput;
import dev.headwise.model.Tensors;
import dev.headwise.tokenize.TextTokenizer;
import dev.headwise.tokenize.Truncation;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.InferenceMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A trained classifier for services: {@code Classifier.load(dir)} once, then {@link #predict} from any
 * number of threads. Runs without autograd (inference mode); {@link #close} waits for calls in flight and
 * makes later calls fail with a clear error instead of touching freed native memory.
 */
public final class Classifier implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoadedModel loaded;
    private final Heads heads;
    private final Truncation truncation;
    private final Thresholds thresholds;
    private final int[][][] hierarchy; // null: decode levels independently
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private Classifier(LoadedModel loaded) {
        this.loaded = loaded;
        var config = loaded.model().config();
        this.heads = config.heads();
        var extras = config.extras();
        this.truncation = Truncation.of(extras, Math.min(512, loaded.maxLength()));
        this.thresholds = extras.has("thresholds") ? JSON.convertValue(extras.get("thresholds"), Thresholds.class)
                : Thresholds.half();
        boolean consistent = extras.path("consistent_decoding").asBoolean(true);
        this.hierarchy = heads.task() == Task.HIERARCHICAL && consistent && extras.has("label_space")
                ? LabelSpace.fromConfig(JSON.convertValue(extras.get("label_space"), Map.class)).hierarchy() : null;
    }

    /** Loads a model directory written by {@code headwise train} (or any HF sequence classifier) on the CPU. */
    public static Classifier load(Path dir) {
        return load(dir, Devices.parse("cpu"));
    }

    public static Classifier load(Path dir, Device device) {
        return load(dir, device, null);
    }

    /** As {@link #load(Path, Device)}, its heads read as a {@code task} model (e.g. an HF two-label model as binary). */
    public static Classifier load(Path dir, Device device, Task task) {
        return new Classifier(LoadedModel.classifier(dir, device, task));
    }

    public Heads heads() {
        return heads;
    }

    /** How texts longer than the model's input are cut, as in training. */
    public Truncation truncation() {
        return truncation;
    }

    public Prediction predict(String text) {
        return predict(List.of(text)).getFirst();
    }

    /** One prediction per text, in order; texts longer than {@link #truncation()} allows are cut. */
    public List<Prediction> predict(List<String> texts) {
        var read = lock.readLock();
        read.lock();
        try {
            if (closed) throw new HeadwiseException("this classifier is closed.");
            if (texts.isEmpty()) return List.of();
            float[] probs;
            boolean[] truncated = new boolean[texts.size()];
            try (var scope = new PointerScope(); var mode = new InferenceMode()) {
                TextTokenizer tok = loaded.tokenizer();
                // One token more than fits tells a truncated text from one that fits exactly.
                var encodings = new ArrayList<>(tok.encodeBatch(texts, truncation.withMaxLength(truncation.maxLength() + 1)));
                for (int i = 0; i < encodings.size(); i++) {
                    truncated[i] = encodings.get(i).length() > truncation.maxLength();
                    encodings.set(i, truncation.apply(encodings.get(i)));
                }
                ModelInput in = Inputs.pad(encodings, tok.padId(), loaded.model().device());
                probs = Tensors.toFloats(Loss.probabilities(heads,
                        loaded.model().logits(in.ids(), in.mask(), in.typeIds(), false)));
            }
            int width = heads.numLogits();
            var out = new ArrayList<Prediction>(texts.size());
            for (int i = 0; i < texts.size(); i++) out.add(decide(probs, i * width, truncated[i]));
            return out;
        } finally {
            read.unlock();
        }
    }

    private Prediction decide(float[] p, int off, boolean truncated) {
        return switch (heads.task()) {
            case MULTICLASS -> {
                var ranked = ranked(heads.levels().getFirst(), p, off);
                yield new Prediction(List.of(new Prediction.Level(heads.levels().getFirst().name(), ranked.subList(0, 1), ranked)), truncated);
            }
            case BINARY -> {
                Heads.Level level = heads.levels().getFirst();
                double pos = p[off];
                var neg = new Prediction.Label(level.labels().get(0), 1 - pos);
                var yes = new Prediction.Label(level.labels().get(1), pos);
                var ranked = pos >= 0.5 ? List.of(yes, neg) : List.of(neg, yes);
                yield new Prediction(List.of(new Prediction.Level(level.name(), ranked.subList(0, 1), ranked)), truncated);
            }
            case MULTILABEL -> {
                Heads.Level level = heads.levels().getFirst();
                var chosen = new ArrayList<Prediction.Label>();
                for (int c = 0; c < level.size(); c++) {
                    if (p[off + c] >= thresholds.threshold(c)) chosen.add(new Prediction.Label(level.labels().get(c), p[off + c]));
                }
                chosen.sort(Comparator.comparingDouble(Prediction.Label::probability).reversed());
                yield new Prediction(List.of(new Prediction.Level(level.name(), chosen, ranked(level, p, off))), truncated);
            }
            case HIERARCHICAL -> {
                int depth = heads.levels().size();
                double[][] scores = new double[depth][];
                for (int l = 0; l < depth; l++) {
                    scores[l] = new double[heads.levels().get(l).size()];
                    for (int c = 0; c < scores[l].length; c++) scores[l][c] = p[off + heads.offset(l) + c];
                }
                int[] path = hierarchy != null ? HierarchicalDecoder.decode(scores, hierarchy, true)
                        : HierarchicalDecoder.decode(scores, new int[depth - 1][][], false);
                var levels = new ArrayList<Prediction.Level>();
                for (int l = 0; l < depth; l++) {
                    Heads.Level level = heads.levels().get(l);
                    var label = new Prediction.Label(level.labels().get(path[l]), scores[l][path[l]]);
                    levels.add(new Prediction.Level(level.name(), List.of(label), ranked(level, p, off + heads.offset(l))));
                }
                yield new Prediction(levels, truncated);
            }
        };
    }

    private static List<Prediction.Label> ranked(Heads.Level level, float[] p, int off) {
        var all = new ArrayList<Prediction.Label>(level.size());
        for (int c = 0; c < level.size(); c++) all.add(new Prediction.Label(level.labels().get(c), p[off + c]));
        all.sort(Comparator.comparingDouble(Prediction.Label::probability).reversed());
        return all;
    }

    /** Waits for calls in flight, then frees the model; later calls fail with a {@link HeadwiseException}. */
    @Override
    public void close() {
        var write = lock.writeLock();
        write.lock();
        try {
            if (!closed) {
                closed = true;
                loaded.close();
            }
        } finally {
            write.unlock();
        }
    }
}
