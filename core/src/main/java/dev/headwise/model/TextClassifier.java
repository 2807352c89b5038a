package dev.headwise.model;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.tokenize.Padding;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A transformer encoder with a classification head: HF {@code DistilBertForSequenceClassification},
 * {@code BertForSequenceClassification}, {@code RobertaForSequenceClassification} or
 * {@code XLNetForSequenceClassification}, extended to binary, multi-label and hierarchical label sets.
 * Its parameters live in {@link #parameters()} under their HF checkpoint names.
 */
public final class TextClassifier {
    private final ClassifierConfig config;
    private final Backbone encoder;
    private final ClassificationHead head;
    private final Parameters parameters;
    private final Device device;

    private final List<BackendLayer> layers;

    private TextClassifier(ClassifierConfig config, Backbone encoder, ClassificationHead head, Parameters parameters,
                           Device device, List<BackendLayer> layers) {
        this.config = config;
        this.encoder = encoder;
        this.head = head;
        this.parameters = parameters;
        this.device = device;
        this.layers = List.copyOf(layers);
    }

    /**
     * A model with HF's from-scratch initialisation, drawn from libtorch's default generator (seed it
     * with {@code torch.manual_seed} for reproducible weights). Call outside any {@code PointerScope}:
     * the parameters live as long as the model.
     */
    public static TextClassifier create(ClassifierConfig config, Device device) {
        return create(config, device, torch.ScalarType.Float);
    }

    /** As {@link #create(ClassifierConfig, Device)} with parameters of another dtype (float64 for gradient checks). */
    public static TextClassifier create(ClassifierConfig config, Device device, torch.ScalarType dtype) {
        TextClassifier model = allocate(config, device, dtype);
        model.parameters.initialize(config.model().initializerRange(), config.model().padTokenId(), name -> true);
        return model;
    }

    /** A model with every parameter zero, for a caller that fills them in (a checkpoint loader). */
    static TextClassifier allocate(ClassifierConfig config, Device device, torch.ScalarType dtype) {
        var built = Parameters.build(p -> parts(p, config), config.model().architecture().basePrefix, device, dtype);
        return new TextClassifier(config, built.model().encoder(), built.model().head(), built.parameters(), device,
                built.model().layers());
    }

    /** The number of elements of each parameter the model of {@code config} has, by checkpoint name; allocates none. */
    public static Map<String, Long> parameterSizes(ClassifierConfig config) {
        return Parameters.sizes(p -> parts(p, config));
    }

    private record Parts(Backbone encoder, ClassificationHead head, List<BackendLayer> layers) {}

    private static Parts parts(ParamFactory p, ClassifierConfig config) {
        ModelConfig c = config.model();
        var layers = new ArrayList<BackendLayer>();
        ParamFactory recording = new ParamFactory() {
            @Override
            public Tensor create(String name, Init init, long... shape) {
                return p.create(name, init, shape);
            }

            @Override
            public Tensor alias(Tensor param, UnaryOperator<Tensor> view) {
                return p.alias(param, view);
            }

            @Override
            public <L extends BackendLayer> L register(L l) {
                layers.add(l);
                return l;
            }
        };
        Backbone encoder = c.architecture() == Architecture.XLNET ? new XlnetModel(recording, c) : new Encoder(recording, c);
        return new Parts(encoder, new ClassificationHead(recording, c, config.heads()), layers);
    }

    /** The same network (shared parameters) described by another config with identical shape and heads. */
    public TextClassifier withConfig(ClassifierConfig newConfig) {
        if (!newConfig.model().equals(config.model()) || !newConfig.heads().equals(config.heads())) {
            throw new IllegalArgumentException("withConfig may change the headwise block only");
        }
        return new TextClassifier(newConfig, encoder, head, parameters, device, layers);
    }

    /**
     * One level of a hierarchical model as a plain multiclass classifier (a copy): the shared encoder and pooling
     * layer, and the level's rows of {@code classifier}, so its softmax is exactly that level's. Decoding along
     * the hierarchy is left behind; the truncation settings are kept.
     */
    public TextClassifier level(String name) {
        Heads heads = config.heads();
        if (heads.task() != Task.HIERARCHICAL) {
            throw new HeadwiseException("only a hierarchical model has label levels to export; this one is "
                    + heads.task().id() + ".");
        }
        int i = 0;
        while (i < heads.levels().size() && !heads.levels().get(i).name().equals(name)) i++;
        if (i == heads.levels().size()) {
            throw new HeadwiseException("the model has no label level '" + name + "'; its levels: "
                    + heads.levels().stream().map(Heads.Level::name).toList() + ".");
        }
        Heads.Level level = heads.levels().get(i);
        if (level.size() < 2) {
            throw new HeadwiseException("level '" + name + "' has a single label, so it is no classifier.");
        }
        var out = allocate(config.withHeads(Heads.single(Task.MULTICLASS, level.labels()))
                        .withHeadwise(config.headwise().exported(name)),
                device, parameters.flat().scalar_type());
        var rows = HeadRows.Names.of(config.model().architecture());
        try (var scope = new PointerScope()) {
            var values = new HashMap<>(parameters.named());
            values.put(rows.weight(), values.get(rows.weight()).narrow(0, heads.offset(i), level.size()));
            values.put(rows.bias(), values.get(rows.bias()).narrow(0, heads.offset(i), level.size()));
            out.parameters.load(values, "level " + name);
        }
        return out;
    }

    public ClassifierConfig config() {
        return config;
    }

    public Parameters parameters() {
        return parameters;
    }

    public Device device() {
        return device;
    }

    /** Last hidden state (B, T, H). ids, mask, typeIds: (B, T) int64; typeIds may be null. */
    public Tensor hidden(Tensor ids, Tensor mask, Tensor typeIds, boolean train) {
        return encoder.forward(ids, mask, typeIds, dropout(train), false);
    }

    /**
     * Classifier logits (B, numLogits). {@code train} switches dropout on. The head reads only the first
     * token (XLNet: the last), so the last block computes only that token's row.
     */
    public Tensor logits(Tensor ids, Tensor mask, Tensor typeIds, boolean train) {
        Dropout drop = dropout(train);
        return head.forward(encoder.forward(ids, mask, typeIds, drop, true), drop);
    }

    private Dropout dropout(boolean train) {
        return train ? Dropout.forTraining(device) : Dropout.OFF;
    }

    /**
     * Runs every Linear (encoder and head) on {@code backend} from now on, bound to the weights as they are now
     * (a packed, int8 or bf16 copy of each weight is made here). A model starts on {@link LinearBackend#libtorch()};
     * {@code Classifier.load} binds {@link LinearBackend#forInference} while the tokenizer loads.
     */
    public void useLinearBackend(LinearBackend backend) {
        layers.forEach(l -> l.use(backend));
    }

    /**
     * Says that the weights were changed in place, so that the backend's copies of them are made again before
     * they next serve a product. Whoever changes the weights calls it: the training step after each update, a
     * checkpoint's restore; on libtorch alone there are no copies.
     */
    public void weightsChanged() {
        layers.forEach(BackendLayer::weightsChanged);
    }

    /** How this model's batches are padded, given the tokenizer's pad id: XLNet on the left, the others on the right. */
    public Padding padding(int padId) {
        return config.model().architecture().padding(padId);
    }

    /** True for the parameters of the shared encoder (embeddings, blocks, BERT pooler). */
    public boolean isEncoderParameter(String name) {
        return name.startsWith(config.model().architecture().basePrefix);
    }
}
