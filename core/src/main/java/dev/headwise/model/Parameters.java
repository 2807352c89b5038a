package dev.headwise.model;

import dev.headwise.HeadwiseException;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * All parameters of a model as views of one flat buffer (fp32 unless asked otherwise), and their gradients as views of a second
 * one. The optimizer and gradient clipping then work on a handful of large contiguous tensors instead of
 * ~100 small ones, and zeroing gradients is one call.
 *
 * <p>The flat buffer is laid out in {@link Segment}s: encoder parameters first, then head parameters;
 * within each, the weight-decayed ones before the others. Freezing the encoder or skipping decay is then
 * a matter of choosing segments.
 */
public final class Parameters {

    /** A contiguous range of the flat buffer with one optimizer treatment. */
    public record Segment(long offset, long length, boolean encoder, boolean decay) {}

    private record Spec(String name, Init init, long[] shape, long numel, boolean encoder) {}

    private final Map<String, Tensor> byName = new LinkedHashMap<>();
    private final Map<String, Init> inits = new LinkedHashMap<>();
    private final List<Segment> segments;
    private final Tensor flat;
    private final Tensor flatGrad;

    /**
     * Builds a model twice: once on the meta device to learn its parameters, then for real with every
     * parameter a view into the flat buffers. {@code encoderPrefix} marks the encoder's parameters.
     */
    static <M> Built<M> build(Function<ParamFactory, M> model, String encoderPrefix, Device device,
                              torch.ScalarType dtype) {
        List<Spec> specs = declared(model, encoderPrefix);
        var params = new Parameters(specs, device, dtype);
        var handedOut = new int[1];
        M built = model.apply(new ParamFactory() {
            @Override
            public Tensor create(String name, Init init, long... shape) {
                Spec s = specs.get(handedOut[0]++);
                if (!s.name().equals(name) || !Arrays.equals(s.shape(), shape)) {
                    throw new IllegalStateException("model built differently twice at " + name);
                }
                return params.byName.get(name);
            }

            @Override
            public Tensor alias(Tensor parameter, UnaryOperator<Tensor> view) {
                return params.alias(parameter, view);
            }
        });
        return new Built<>(built, params);
    }

    record Built<M>(M model, Parameters parameters) {}

    /**
     * {@code view} of a parameter as a parameter of its own: a leaf over the same memory whose gradient is the
     * same view of the parameter's gradient memory, so it trains with the parameter. A plain view would be a
     * non-leaf whose autograd history, once the flat buffer is written in place (initialisation, loading,
     * the optimizer), is rebuilt from the buffer, which has none: its gradient would be lost.
     */
    private Tensor alias(Tensor parameter, UnaryOperator<Tensor> view) {
        long offset = (parameter.data_ptr().address() - flat.data_ptr().address()) / parameter.element_size();
        long[] shape = Tensors.shape(parameter);
        Tensor a = view.apply(flat.narrow(0, offset, parameter.numel()).view(shape));
        if (parameter.requires_grad()) {
            a.requires_grad_(true);
            a.mutable_grad().put(view.apply(flatGrad.narrow(0, offset, parameter.numel()).view(shape)));
        }
        return a;
    }

    /** The number of elements of each parameter a model declares, by name in declaration order, allocating none. */
    static Map<String, Long> sizes(Function<ParamFactory, ?> model) {
        var out = new LinkedHashMap<String, Long>();
        declared(model, "").forEach(s -> out.put(s.name(), s.numel()));
        return out;
    }

    /** The parameters a model declares, learnt by building it on the meta device. */
    private static List<Spec> declared(Function<ParamFactory, ?> model, String encoderPrefix) {
        var specs = new ArrayList<Spec>();
        try (var scope = new PointerScope()) {
            var meta = new TensorOptions(new Device("meta"));
            model.apply((name, init, shape) -> {
                specs.add(new Spec(name, init, shape.clone(), Arrays.stream(shape).reduce(1, Math::multiplyExact),
                        name.startsWith(encoderPrefix)));
                return torch.empty(shape, meta, new org.bytedeco.pytorch.MemoryFormatOptional());
            });
        }
        return specs;
    }

    private Parameters(List<Spec> declared, Device device, torch.ScalarType dtype) {
        var order = new ArrayList<>(declared);
        // Stable sort: encoder before heads, decayed before not decayed, frozen (sinusoidal) last.
        order.sort(Comparator.comparingInt((Spec s) -> s.init().trainable() ? 0 : 1)
                .thenComparingInt(s -> s.encoder() ? 0 : 1)
                .thenComparingInt(s -> s.init().decays() ? 0 : 1));
        long total = order.stream().mapToLong(Spec::numel).sum();
        var options = new TensorOptions(device).dtype(new org.bytedeco.pytorch.ScalarTypeOptional(dtype));
        flat = torch.zeros(new long[]{total}, options);
        flatGrad = torch.zeros(new long[]{total}, options);
        var segs = new ArrayList<Segment>();
        var views = new LinkedHashMap<String, Tensor>();
        long offset = 0;
        for (Spec s : order) {
            Tensor p = flat.narrow(0, offset, s.numel()).view(s.shape());
            if (s.init().trainable()) {
                p.requires_grad_(true);
                p.mutable_grad().put(flatGrad.narrow(0, offset, s.numel()).view(s.shape()));
                boolean decay = s.init().decays();
                if (!segs.isEmpty() && segs.getLast().encoder() == s.encoder() && segs.getLast().decay() == decay) {
                    Segment last = segs.removeLast();
                    segs.add(new Segment(last.offset(), last.length() + s.numel(), s.encoder(), decay));
                } else {
                    segs.add(new Segment(offset, s.numel(), s.encoder(), decay));
                }
            }
            views.put(s.name(), p);
            inits.put(s.name(), s.init());
            offset += s.numel();
        }
        for (Spec s : declared) byName.put(s.name(), views.get(s.name())); // declaration order, like a state_dict
        segments = List.copyOf(segs);
    }

    /** Parameters by checkpoint name, in declaration order. */
    public Map<String, Tensor> named() {
        return Collections.unmodifiableMap(byName);
    }

    public Tensor flat() {
        return flat;
    }

    public Tensor flatGrad() {
        return flatGrad;
    }

    public List<Segment> segments() {
        return segments;
    }

    public long count() {
        return flat.numel();
    }

    public void zeroGrad() {
        flatGrad.zero_();
    }

    /**
     * HF's from-scratch initialisation of the parameters {@code which} accepts, in declaration order, drawn
     * from libtorch's default generator (seed it first).
     */
    void initialize(double std, int padTokenId, Predicate<String> which) {
        try (var scope = new PointerScope(); var noGrad = new NoGradGuard()) {
            for (var e : byName.entrySet()) {
                if (!which.test(e.getKey())) continue;
                Tensor p = e.getValue();
                switch (inits.get(e.getKey())) {
                    case NORMAL, NORMAL_NO_DECAY -> p.normal_(0, std, new GeneratorOptional());
                    case NORMAL_PADDED -> {
                        p.normal_(0, std, new GeneratorOptional());
                        if (padTokenId < p.size(0)) p.select(0, padTokenId).zero_();
                    }
                    case ZEROS -> p.zero_();
                    case ONES -> p.fill_(new org.bytedeco.pytorch.Scalar(1.0));
                    case SINUSOIDAL -> p.copy_(sinusoidal(p.size(0), p.size(1)));
                }
            }
        }
    }

    /** Copies values in by name; every parameter must be given, with its exact shape. */
    void load(Map<String, Tensor> values, String source) {
        var missing = new ArrayList<String>();
        for (String name : byName.keySet()) {
            if (!values.containsKey(name) && inits.get(name) != Init.SINUSOIDAL) missing.add(name);
        }
        if (!missing.isEmpty()) {
            throw new HeadwiseException(source + " lacks " + missing.size() + " parameter(s) the model needs, e.g. "
                    + String.join(", ", missing.subList(0, Math.min(5, missing.size()))) + ".");
        }
        try (var scope = new PointerScope(); var noGrad = new NoGradGuard()) {
            for (var e : byName.entrySet()) {
                Tensor v = values.get(e.getKey());
                if (v == null) {
                    e.getValue().copy_(sinusoidal(e.getValue().size(0), e.getValue().size(1)));
                    continue;
                }
                long[] want = e.getValue().sizes().vec().get();
                long[] got = v.sizes().vec().get();
                if (!Arrays.equals(want, got)) {
                    throw new HeadwiseException(source + ": tensor '" + e.getKey() + "' has shape " + Arrays.toString(got)
                            + " but the config asks for " + Arrays.toString(want) + ".");
                }
                e.getValue().copy_(v);
            }
        }
    }

    /** DistilBERT's create_sinusoidal_embeddings: sin on even columns, cos on odd ones. */
    private static Tensor sinusoidal(long positions, long dim) {
        float[] table = new float[Math.toIntExact(positions * dim)];
        for (int pos = 0; pos < positions; pos++) {
            for (int j = 0; j < dim; j++) {
                double angle = pos / Math.pow(10000, 2.0 * (j / 2) / dim);
                table[(int) (pos * dim + j)] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return Tensors.floats(table, positions, dim);
    }
}
