package dev.headwise.infer;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.metrics.HierarchicalDecoder;
import dev.headwise.metrics.Thresholds;
import dev.headwise.model.Devices;
import dev.headwise.model.Heads;
import dev.headwise.model.InferencePrecision;
import dev.headwise.model.Loss;
import dev.headwise.model.ModelInput;
import dev.headwise.model.Tensors;
import dev.headwise.model.WindowPooling;
import dev.headwise.tokenize.Encoding;
import dev.headwise.tokenize.TextTokenizer;
import dev.headwise.tokenize.Windows;
import dev.headwise.tokenize.Truncation;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.InferenceMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A trained classifier for services: {@code Classifier.load(dir)} once, then {@link #predict} from any
 * number of threads. Runs without autograd (inference mode); {@link #close} waits for calls in flight and
 * makes later calls fail with a clear error instead of touching freed native memory.
 */
public final class Classifier implements AutoCloseable {
    /** Windows run together when a call has fewer texts: a long text's windows are batched among themselves. */
    private static final int WINDOW_BATCH = 16;

    private final LoadedModel loaded;
    private final Heads heads;
    private final Truncation truncation;
    private final Windows windows; // null: texts are truncated
    private final java.util.concurrent.atomic.LongAdder tokens = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder positions = new java.util.concurrent.atomic.LongAdder();
    private final Thresholds thresholds;
    private final int[][][] hierarchy; // null: decode levels independently
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private Classifier(LoadedModel loaded, Windows windows) {
        this.loaded = loaded;
        var config = loaded.model().config();
        this.heads = config.heads();
        var saved = config.headwise();
        this.truncation = loaded.truncation();
        this.windows = windows != null ? windows : saved.windows();
        if (this.windows != null) this.windows.check(truncation.maxLength());
        this.thresholds = saved.thresholds() != null ? saved.thresholds() : Thresholds.half();
        this.hierarchy = heads.task() == Task.HIERARCHICAL && saved.followsHierarchy() ? saved.labelSpace().hierarchy() : null;
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
        return load(dir, device, task, null);
    }

    /**
     * As {@link #load(Path, Device, Task)}, reading long texts as {@code windows} (of the saved maximum length)
     * instead of as saved; null keeps the saved reading.
     */
    public static Classifier load(Path dir, Device device, Task task, Windows windows) {
        return load(dir, InferenceOptions.cpu().withDevice(device).withTask(task).withWindows(windows));
    }

    /**
     * A model directory opened as {@code options} say: device, task, windows and the precision of its
     * products (int8 or bf16 made from the saved fp32 weights now; {@link #precision()} tells what runs).
     */
    public static Classifier load(Path dir, InferenceOptions options) {
        var loaded = LoadedModel.classifier(dir, options);
        try {
            return new Classifier(loaded, options.windows());
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    public Heads heads() {
        return heads;
    }

    /** The precision asked for at load and the one that runs, with the reason where they differ. */
    public InferencePrecision.Choice precision() {
        return loaded.precision();
    }

    /** How texts longer than the model's input are cut, as in training. */
    public Truncation truncation() {
        return truncation;
    }

    /** How texts longer than the model's input are split into windows, or null when they are cut ({@link #truncation()}). */
    public Windows windows() {
        return windows;
    }

    /**
     * The input columns the model was trained on, joined by newlines into one text per row at prediction
     * time; {@code [text]} for a model that does not record them (an HF checkpoint).
     */
    public List<String> textColumns() {
        var data = loaded.model().config().headwise().data();
        if (data == null || data.textColumns() == null) return List.of("text");
        if (data.textColumns().isEmpty()) throw new HeadwiseException("the model records no text columns; pass --text-column.");
        return data.textColumns();
    }

    public Prediction predict(String text) {
        return predict(List.of(text)).getFirst();
    }

    /**
     * One prediction per text, in order; texts longer than {@link #truncation()} allows are cut, or read as
     * {@link #windows()} when set.
     */
    public List<Prediction> predict(List<String> texts) {
        var read = lock.readLock();
        read.lock();
        try {
            if (closed) throw new HeadwiseException("this classifier is closed.");
            if (texts.isEmpty()) return List.of();
            return windows == null ? predictTruncated(texts) : predictWindows(texts);
        } finally {
            read.unlock();
        }
    }

    private List<Prediction> predictTruncated(List<String> texts) {
        float[] probs;
        boolean[] truncated = new boolean[texts.size()];
        try (var scope = new PointerScope(); var mode = new InferenceMode()) {
            TextTokenizer tok = loaded.tokenizer();
            // One token more than fits tells a truncated text from one that fits exactly.
            var encodings = new ArrayList<>(tok.encodeBatch(texts, truncation.withMaxLength(truncation.maxLength() + 1)));
            for (int i = 0; i < encodings.size(); i++) {
                truncated[i] = encodings.get(i).length() > truncation.maxLength();
                encodings.set(i, truncation.apply(encodings.get(i), tok.specialTokens()));
            }
            probs = Tensors.toFloats(Loss.probabilities(heads, logits(encodings)));
        }
        int width = heads.numLogits();
        var out = new ArrayList<Prediction>(texts.size());
        for (int i = 0; i < texts.size(); i++) out.add(decide(probs, i * width, truncated[i], 1));
        return out;
    }

    /**
     * Streams the texts' windows through the model in batches of at least {@link #WINDOW_BATCH} windows, so
     * memory stays bounded however long a text is; only the windows' logits are kept until pooling.
     */
    private List<Prediction> predictWindows(List<String> texts) {
        TextTokenizer tok = loaded.tokenizer();
        int batch = Math.max(texts.size(), WINDOW_BATCH), width = heads.numLogits(), maxLength = truncation.maxLength();
        // One window more than allowed tells a document cut by --max-windows from one that just fits.
        Windows probe = windows.maxWindows() == Integer.MAX_VALUE ? windows
                : new Windows(windows.overlap(), windows.pooling(), windows.maxWindows() + 1);
        int[] starts = new int[texts.size() + 1];
        boolean[] cut = new boolean[texts.size()];
        var pending = new ArrayList<Encoding>(batch);
        float[] logits = new float[0];
        int done = 0;
        for (int i = 0; i < texts.size(); i++) {
            List<Encoding> own = tok.encodeWindows(texts.get(i), maxLength, probe);
            cut[i] = own.size() > windows.maxWindows();
            if (cut[i]) own = own.subList(0, windows.maxWindows());
            starts[i + 1] = starts[i] + own.size();
            logits = java.util.Arrays.copyOf(logits, starts[i + 1] * width);
            for (Encoding e : own) {
                pending.add(e);
                if (pending.size() == batch) done = run(pending, logits, done);
            }
        }
        if (!pending.isEmpty()) run(pending, logits, done);
        float[][] probs;
        try (var scope = new PointerScope()) {
            probs = WindowPooling.probabilities(heads, windows.pooling(), logits, starts);
        }
        var out = new ArrayList<Prediction>(texts.size());
        for (int i = 0; i < texts.size(); i++) out.add(decide(probs[i], 0, cut[i], starts[i + 1] - starts[i]));
        return out;
    }

    /** Runs the pending windows, writes their logits at window {@code done} of {@code into}, clears them. */
    private int run(List<Encoding> pending, float[] into, int done) {
        try (var scope = new PointerScope(); var mode = new InferenceMode()) {
            float[] l = Tensors.toFloats(logits(pending));
            System.arraycopy(l, 0, into, done * heads.numLogits(), l.length);
        }
        int n = pending.size();
        pending.clear();
        return done + n;
    }

    private org.bytedeco.pytorch.Tensor logits(List<Encoding> encodings) {
        ModelInput in = Inputs.pad(encodings, loaded.padding(), loaded.model().device());
        long real = encodings.stream().mapToLong(Encoding::length).sum();
        tokens.add(real);
        positions.add(in.ids().numel());
        return loaded.model().logits(in.ids(), in.mask(), in.typeIds(), false);
    }

    /** The share of the positions this classifier has run that held real tokens rather than padding (NaN before any). */
    public double paddingEfficiency() {
        long all = positions.sum();
        return all == 0 ? Double.NaN : (double) tokens.sum() / all;
    }

    private Prediction decide(float[] p, int off, boolean truncated, int windowCount) {
        return switch (heads.task()) {
            case MULTICLASS -> {
                var ranked = ranked(heads.levels().getFirst(), p, off);
                yield new Prediction(List.of(new Prediction.Level(heads.levels().getFirst().name(), ranked.subList(0, 1), ranked)), truncated, windowCount);
            }
            case BINARY -> {
                Heads.Level level = heads.levels().getFirst();
                double pos = p[off];
                var neg = new Prediction.Label(level.labels().get(0), 1 - pos);
                var yes = new Prediction.Label(level.labels().get(1), pos);
                var ranked = pos >= 0.5 ? List.of(yes, neg) : List.of(neg, yes);
                yield new Prediction(List.of(new Prediction.Level(level.name(), ranked.subList(0, 1), ranked)), truncated, windowCount);
            }
            case MULTILABEL -> {
                Heads.Level level = heads.levels().getFirst();
                var chosen = new ArrayList<Prediction.Label>();
                for (int c = 0; c < level.size(); c++) {
                    if (p[off + c] >= thresholds.threshold(c)) chosen.add(new Prediction.Label(level.labels().get(c), p[off + c]));
                }
                chosen.sort(Comparator.comparingDouble(Prediction.Label::probability).reversed());
                yield new Prediction(List.of(new Prediction.Level(level.name(), chosen, ranked(level, p, off))), truncated, windowCount);
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
                yield new Prediction(levels, truncated, windowCount);
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
