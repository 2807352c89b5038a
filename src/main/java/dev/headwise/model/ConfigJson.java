package dev.headwise.model;

import dev.headwise.Task;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes HF {@code config.json} for {@code distilbert}, {@code bert}, {@code roberta} and {@code xlnet}.
 * Field names and defaults follow {@code DistilBertConfig}, {@code BertConfig}, {@code RobertaConfig} and
 * {@code XLNetConfig}; HF's {@code num_labels}, {@code id2label}, {@code label2id} and {@code problem_type} are
 * derived from the {@link Heads}.
 */
public final class ConfigJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final long MAX_BYTES = 16 << 20;
    /**
     * More labels than any real classifier has (extreme multi-label sets reach ~700k); a larger num_labels is
     * corruption, and would otherwise allocate one name per label before anything else is checked.
     */
    static final int MAX_LABELS = 1 << 20;

    /**
     * Marks a binary model saved as two logits (rows [0, w], bias [0, b]): headwise reads it back as one logit
     * w.x + b, the difference of the two.
     */
    static final String BINARY_FORM_KEY = "binary_logits", BINARY_FORM = "softmax_pair";

    private ConfigJson() {}

    public static ClassifierConfig read(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) throw new HeadwiseException(file + " is larger than 16 MB; not a config.json.");
            JsonNode root = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (!(root instanceof ObjectNode obj)) throw new HeadwiseException(file + " is not a JSON object.");
            return parse(obj, file.toString());
        } catch (NoSuchFileException e) {
            throw new HeadwiseException("no config.json at " + file + ".");
        } catch (IOException e) {
            throw new HeadwiseException(file + " is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    /** Parses a config object; {@code source} names it in error messages. */
    public static ClassifierConfig parse(ObjectNode json, String source) {
        try {
            Architecture a = Architecture.ofModelType(text(json, "model_type", null));
            ModelConfig model = switch (a) {
                case DISTILBERT -> distilbert(json);
                case BERT -> bert(json, a, 30522, 512, 2, 0);
                case ROBERTA -> bert(json, a, 50265, 512, 2, 1);
                case XLNET -> xlnet(json);
            };
            return new ClassifierConfig(model, heads(json), json, extras(json));
        } catch (HeadwiseException e) {
            throw new HeadwiseException(source + ": " + e.getMessage(), e);
        }
    }

    private static ModelConfig distilbert(ObjectNode j) {
        return new ModelConfig(Architecture.DISTILBERT,
                integer(j, "vocab_size", 30522), integer(j, "dim", 768), integer(j, "n_layers", 6),
                integer(j, "n_heads", 12), integer(j, "hidden_dim", 3072), integer(j, "max_position_embeddings", 512),
                0, number(j, "dropout", 0.1), number(j, "attention_dropout", 0.1),
                number(j, "seq_classif_dropout", 0.2), Activation.ofHfName(text(j, "activation", "gelu")),
                1e-12, // DistilBERT hard-codes its LayerNorm eps
                number(j, "initializer_range", 0.02), integer(j, "pad_token_id", 0),
                bool(j, "sinusoidal_pos_embds", false));
    }

    /** BERT's fields, which RoBERTa shares; the defaults are each config class's. */
    private static ModelConfig bert(ObjectNode j, Architecture a, int vocab, int positions, int types, int pad) {
        String positionType = text(j, "position_embedding_type", "absolute");
        if (!positionType.equals("absolute")) {
            throw new HeadwiseException("position_embedding_type '" + positionType + "' is not supported (only absolute).");
        }
        if (bool(j, "is_decoder", false) || bool(j, "add_cross_attention", false)) {
            throw new HeadwiseException("a decoder (is_decoder or add_cross_attention) is not a text classifier's encoder.");
        }
        double hiddenDropout = number(j, "hidden_dropout_prob", 0.1);
        JsonNode cd = j.get("classifier_dropout");
        return new ModelConfig(a,
                integer(j, "vocab_size", vocab), integer(j, "hidden_size", 768), integer(j, "num_hidden_layers", 12),
                integer(j, "num_attention_heads", 12), integer(j, "intermediate_size", 3072),
                integer(j, "max_position_embeddings", positions), integer(j, "type_vocab_size", types), hiddenDropout,
                number(j, "attention_probs_dropout_prob", 0.1),
                cd == null || cd.isNull() ? hiddenDropout : number(j, "classifier_dropout", hiddenDropout),
                Activation.ofHfName(text(j, "hidden_act", "gelu")), number(j, "layer_norm_eps", 1e-12),
                number(j, "initializer_range", 0.02), integer(j, "pad_token_id", pad), false);
    }

    /**
     * XLNetConfig's fields. What only pretraining or generation uses is refused when set otherwise than for
     * classification: unidirectional attention, the two-directional input pipeline, a summary other than
     * the last token through a tanh projection. Memory settings are left alone (one forward has no memory).
     */
    private static ModelConfig xlnet(ObjectNode j) {
        int dModel = integer(j, "d_model", 1024), nHead = integer(j, "n_head", 16);
        JsonNode dHead = j.get("d_head");
        if (dHead != null && !dHead.isNull() && nHead > 0 && integer(j, "d_head", 0) * nHead != dModel) {
            throw new HeadwiseException("d_head " + dHead + " times n_head " + nHead + " is not d_model " + dModel + ".");
        }
        require(j, "attn_type", "bi", "XLNet classification attends both ways");
        require(j, "summary_type", "last", "headwise reads XLNet's summary from the last token");
        require(j, "summary_activation", "tanh", "headwise's XLNet summary is a tanh projection");
        if (bool(j, "bi_data", false)) throw new HeadwiseException("'bi_data' is a pretraining setting; set it to false.");
        if (!bool(j, "summary_use_proj", true) || bool(j, "summary_proj_to_labels", false)) {
            throw new HeadwiseException("headwise's XLNet summary projects to d_model: summary_use_proj must be true and"
                    + " summary_proj_to_labels false.");
        }
        double dropout = number(j, "dropout", 0.1);
        return new ModelConfig(Architecture.XLNET,
                integer(j, "vocab_size", 32000), dModel, integer(j, "n_layer", 24), nHead, integer(j, "d_inner", 4096),
                Integer.MAX_VALUE, 0, dropout, dropout, number(j, "summary_last_dropout", 0.1),
                Activation.ofHfName(text(j, "ff_activation", "gelu")), number(j, "layer_norm_eps", 1e-12),
                number(j, "initializer_range", 0.02), integer(j, "pad_token_id", 5), false,
                integer(j, "clamp_len", -1), number(j, "summary_first_dropout", 0));
    }

    private static void require(JsonNode j, String field, String only, String why) {
        String value = text(j, field, only);
        if (!value.equals(only)) {
            throw new HeadwiseException("'" + field + "' is '" + value + "', but " + why + " ('" + only + "').");
        }
    }

    private static Heads heads(ObjectNode j) {
        JsonNode hw = j.get("headwise");
        if (hw != null && hw.has("task")) {
            Task task = Task.parse(hw.get("task").asText());
            var levels = new ArrayList<Heads.Level>();
            for (JsonNode l : array(hw, "levels")) {
                var labels = new ArrayList<String>();
                for (JsonNode s : array(l, "labels")) labels.add(s.asText());
                levels.add(new Heads.Level(l.path("name").asText(""), labels));
            }
            return new Heads(task, levels);
        }
        // A plain HF checkpoint: labels from id2label (or num_labels), task from problem_type.
        int n = integer(j, "num_labels", j.has("id2label") ? j.get("id2label").size() : 2);
        if (n > MAX_LABELS) {
            throw new HeadwiseException("'num_labels' is " + n + ", more than the " + MAX_LABELS + " labels headwise supports.");
        }
        var labels = new ArrayList<String>();
        JsonNode id2label = j.get("id2label");
        for (int i = 0; i < n; i++) {
            JsonNode name = id2label == null ? null : id2label.get(Integer.toString(i));
            labels.add(name == null ? "LABEL_" + i : name.asText());
        }
        Task task = "multi_label_classification".equals(text(j, "problem_type", "")) ? Task.MULTILABEL
                : n == 1 ? Task.BINARY : Task.MULTICLASS;
        if (task == Task.BINARY) labels = new ArrayList<>(List.of("not_" + labels.getFirst(), labels.getFirst()));
        return Heads.single(task, labels);
    }

    private static ObjectNode extras(ObjectNode j) {
        JsonNode hw = j.get("headwise");
        if (hw == null) return null;
        if (!(hw instanceof ObjectNode o)) throw new HeadwiseException("'headwise' must be an object.");
        ObjectNode copy = o.deepCopy();
        copy.remove(List.of("task", "levels", BINARY_FORM_KEY));
        return copy;
    }

    /** The JSON to save: the original object with every field headwise knows overwritten. */
    public static ObjectNode toJson(ClassifierConfig cfg) {
        ObjectNode j = cfg.original();
        ModelConfig m = cfg.model();
        Architecture a = m.architecture();
        j.put("model_type", a.modelType);
        j.set("architectures", MAPPER.createArrayNode().add(a.hfClassName));
        if (a == Architecture.DISTILBERT) {
            j.put("vocab_size", m.vocabSize()).put("dim", m.hiddenSize()).put("n_layers", m.numLayers())
                    .put("n_heads", m.numHeads()).put("hidden_dim", m.intermediateSize())
                    .put("max_position_embeddings", m.maxPositions()).put("dropout", m.hiddenDropout())
                    .put("attention_dropout", m.attentionDropout()).put("seq_classif_dropout", m.classifierDropout())
                    .put("activation", m.activation().hfName).put("initializer_range", m.initializerRange())
                    .put("pad_token_id", m.padTokenId()).put("sinusoidal_pos_embds", m.sinusoidalPositions());
        } else if (a == Architecture.XLNET) {
            // XLNetConfig raises on max_position_embeddings: its positions are relative.
            j.remove("max_position_embeddings");
            j.put("vocab_size", m.vocabSize()).put("d_model", m.hiddenSize()).put("n_layer", m.numLayers())
                    .put("n_head", m.numHeads()).put("d_head", m.headDim()).put("d_inner", m.intermediateSize())
                    .put("ff_activation", m.activation().hfName).put("dropout", m.hiddenDropout())
                    .put("summary_last_dropout", m.classifierDropout()).put("layer_norm_eps", m.layerNormEps())
                    .put("initializer_range", m.initializerRange()).put("pad_token_id", m.padTokenId())
                    .put("clamp_len", m.clampLength()).put("attn_type", "bi").put("bi_data", false)
                    .put("summary_type", "last").put("summary_use_proj", true).put("summary_activation", "tanh");
            if (m.summaryFirstDropout() > 0) j.put("summary_first_dropout", m.summaryFirstDropout());
            else j.remove("summary_first_dropout");
        } else {
            j.put("vocab_size", m.vocabSize()).put("hidden_size", m.hiddenSize())
                    .put("num_hidden_layers", m.numLayers()).put("num_attention_heads", m.numHeads())
                    .put("intermediate_size", m.intermediateSize()).put("max_position_embeddings", m.maxPositions())
                    .put("type_vocab_size", m.typeVocabSize()).put("hidden_dropout_prob", m.hiddenDropout())
                    .put("attention_probs_dropout_prob", m.attentionDropout())
                    .put("classifier_dropout", m.classifierDropout()).put("hidden_act", m.activation().hfName)
                    .put("layer_norm_eps", m.layerNormEps()).put("initializer_range", m.initializerRange())
                    .put("pad_token_id", m.padTokenId()).put("position_embedding_type", "absolute");
        }
        writeLabels(j, cfg.heads());
        ObjectNode hw = cfg.extras();
        hw.put("task", cfg.heads().task().id());
        ArrayNode levels = hw.putArray("levels");
        for (int i = 0; i < cfg.heads().levels().size(); i++) {
            Heads.Level l = cfg.heads().levels().get(i);
            ObjectNode ln = levels.addObject().put("name", l.name());
            l.labels().forEach(ln.putArray("labels")::add);
            // Where the level's logits lie in HF's flat output, [start, end).
            int start = cfg.heads().offset(i);
            ln.putArray("logits").add(start).add(start + l.size());
        }
        if (cfg.heads().task() == Task.BINARY) hw.put(BINARY_FORM_KEY, BINARY_FORM);
        else hw.remove(BINARY_FORM_KEY);
        j.set("headwise", hw);
        return j;
    }

    /** HF's view of the heads: one flat list of output names, one per logit in the file (two for binary). */
    private static void writeLabels(ObjectNode j, Heads heads) {
        List<String> names = heads.logitNames();
        Map<String, Integer> label2id = new TreeMap<>();
        ObjectNode id2label = j.putObject("id2label");
        for (int i = 0; i < names.size(); i++) {
            id2label.put(Integer.toString(i), names.get(i));
            label2id.put(names.get(i), i);
        }
        j.set("label2id", MAPPER.valueToTree(label2id));
        j.put("num_labels", names.size());
        switch (heads.task()) {
            // Binary is saved as two logits, which HF fine-tunes with cross-entropy.
            case MULTICLASS, BINARY -> j.put("problem_type", "single_label_classification");
            case MULTILABEL -> j.put("problem_type", "multi_label_classification");
            // HF has no problem type for per-level softmax; it must not guess one (`headwise export --level`).
            default -> j.remove("problem_type");
        }
    }

    public static void write(ClassifierConfig cfg, Path file) {
        writeJson(toJson(cfg), file);
    }

    private static void writeJson(ObjectNode json, Path file) {
        try {
            AtomicFiles.write(file, MAPPER.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new HeadwiseException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** config.json of a bare encoder (no heads), as HF writes it for {@code BertModel}, {@code XLNetModel} and the rest. */
    public static void writeEncoder(ModelConfig model, Path file) {
        ObjectNode j = toJson(new ClassifierConfig(model, Heads.single(Task.MULTICLASS, List.of("LABEL_0", "LABEL_1"))));
        j.remove(List.of("headwise", "id2label", "label2id", "num_labels", "problem_type"));
        j.set("architectures", MAPPER.createArrayNode().add(model.architecture().hfBaseClassName));
        writeJson(j, file);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    private static Iterable<JsonNode> array(JsonNode parent, String field) {
        JsonNode a = parent.get(field);
        if (a == null || !a.isArray()) throw new HeadwiseException("'" + field + "' must be a JSON array.");
        return a;
    }

    private static int integer(JsonNode j, String field, int dflt) {
        JsonNode n = j.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new HeadwiseException("'" + field + "' must be an integer, got " + n + ".");
        }
        return n.intValue();
    }

    private static double number(JsonNode j, String field, double dflt) {
        JsonNode n = j.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.isNumber()) throw new HeadwiseException("'" + field + "' must be a number, got " + n + ".");
        return n.doubleValue();
    }

    private static boolean bool(JsonNode j, String field, boolean dflt) {
        JsonNode n = j.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.isBoolean()) throw new HeadwiseException("'" + field + "' must be true or false, got " + n + ".");
        return n.booleanValue();
    }

    private static String text(JsonNode j, String field, String dflt) {
        JsonNode n = j.get(field);
        if (n == null || n.isNull()) {
            if (dflt == null) throw new HeadwiseException("'" + field + "' is missing.");
            return dflt;
        }
        if (!n.isTextual()) throw new HeadwiseException("'" + field + "' must be a string, got " + n + ".");
        return n.asText();
    }
}
