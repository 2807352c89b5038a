package dev.headwise.model;

import dev.headwise.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.data.ColumnSpec;
import dev.headwise.data.LabelSpace;
import dev.headwise.io.AtomicFiles;
import dev.headwise.io.Json;
import dev.headwise.metrics.Thresholds;
import dev.headwise.tokenize.Truncation;
import dev.headwise.tokenize.Windows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and writes HF {@code config.json} for {@code distilbert}, {@code bert}, {@code roberta} and {@code xlnet}.
 * Field names and defaults follow {@code DistilBertConfig}, {@code BertConfig}, {@code RobertaConfig} and
 * {@code XLNetConfig}; HF's {@code num_labels}, {@code id2label}, {@code label2id} and {@code problem_type} are
 * derived from the {@link Heads}. The one place that reads and writes the {@code headwise} block
 * ({@link HeadwiseConfig}; keys documented in docs/hf-interop.md).
 */
public final class ConfigJson {
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
    private static final String MAX_LENGTH = "max_length", TAIL_TOKENS = "tail_tokens", WINDOWS = "windows",
            THRESHOLDS = "thresholds", CONSISTENT_DECODING = "consistent_decoding", LABEL_SPACE = "label_space",
            DATA = "data", EXPORTED_LEVEL = "exported_level";
    /** Every key of the headwise block this version reads: the heads', the binary form's and {@link HeadwiseConfig}'s. */
    static final Set<String> HEADWISE_KEYS = Set.of("task", "levels", BINARY_FORM_KEY, MAX_LENGTH, TAIL_TOKENS, WINDOWS,
            THRESHOLDS, CONSISTENT_DECODING, LABEL_SPACE, DATA, EXPORTED_LEVEL);

    private ConfigJson() {}

    public static ClassifierConfig read(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) throw new HeadwiseException(file + " is larger than 16 MB; not a config.json.");
            JsonNode root = Json.NO_DUPLICATES.readTree(Files.readString(file, StandardCharsets.UTF_8));
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
            return new ClassifierConfig(model, heads(json), json, headwise(json));
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

    private static HeadwiseConfig headwise(ObjectNode j) {
        JsonNode hw = j.get("headwise");
        if (hw == null) return HeadwiseConfig.NONE;
        if (!(hw instanceof ObjectNode o)) throw new HeadwiseException("'headwise' must be an object.");
        if (present(o, TAIL_TOKENS) && !present(o, MAX_LENGTH)) {
            throw new HeadwiseException("'headwise." + TAIL_TOKENS + "' needs '" + MAX_LENGTH + "' beside it.");
        }
        Truncation truncation = present(o, MAX_LENGTH)
                ? new Truncation(integer(o, MAX_LENGTH, 0), integer(o, TAIL_TOKENS, 0)) : null;
        Windows windows = present(o, WINDOWS) ? windows(object(o, WINDOWS)) : null;
        Thresholds thresholds = present(o, THRESHOLDS) ? thresholds(object(o, THRESHOLDS)) : null;
        Boolean consistent = present(o, CONSISTENT_DECODING) ? bool(o, CONSISTENT_DECODING, true) : null;
        LabelSpace space = present(o, LABEL_SPACE)
                ? LabelSpace.fromConfig(Json.MAPPER.convertValue(object(o, LABEL_SPACE), Map.class)) : null;
        ColumnSpec data = present(o, DATA) ? columns(object(o, DATA)) : null;
        String exported = present(o, EXPORTED_LEVEL) ? text(o, EXPORTED_LEVEL, null) : null;
        ObjectNode unknown = o.deepCopy();
        unknown.remove(HEADWISE_KEYS);
        return new HeadwiseConfig(truncation, windows, thresholds, consistent, space, data, exported, unknown);
    }

    private static Windows windows(ObjectNode w) {
        return new Windows(integer(w, "overlap", 0), Windows.Pooling.parse(text(w, "pooling", "mean")),
                integer(w, "max_windows", Integer.MAX_VALUE));
    }

    private static Thresholds thresholds(ObjectNode t) {
        if (!present(t, "global")) throw new HeadwiseException("'thresholds.global' is missing.");
        double[] perLabel = null;
        if (present(t, "per_label")) {
            var values = new ArrayList<Double>();
            for (JsonNode n : array(t, "per_label")) {
                if (!n.isNumber()) throw new HeadwiseException("'per_label' must hold numbers, got " + n + ".");
                values.add(n.doubleValue());
            }
            perLabel = values.stream().mapToDouble(Double::doubleValue).toArray();
        }
        return new Thresholds(number(t, "global", 0), perLabel);
    }

    private static ColumnSpec columns(ObjectNode d) {
        return new ColumnSpec(present(d, "text_columns") ? strings(d, "text_columns") : null, text(d, "text_separator", null, true),
                present(d, "task") ? Task.parse(text(d, "task", null)) : null, text(d, "label_column", null, true),
                present(d, "label_columns") ? strings(d, "label_columns") : null, text(d, "label_separator", null, true),
                text(d, "level_separator", null, true), present(d, "levels") ? integer(d, "levels", 0) : null);
    }

    /** The JSON to save: the original object with every field headwise knows overwritten. */
    public static ObjectNode toJson(ClassifierConfig cfg) {
        ObjectNode j = cfg.original();
        ModelConfig m = cfg.model();
        Architecture a = m.architecture();
        j.put("model_type", a.modelType);
        j.set("architectures", Json.MAPPER.createArrayNode().add(a.hfClassName));
        if (a == Architecture.DISTILBERT) {
            j.put("vocab_size", m.vocabSize()).put("dim", m.hiddenSize()).put("n_layers", m.numLayers())
                    .put("n_heads", m.numAttentionHeads()).put("hidden_dim", m.intermediateSize())
                    .put("max_position_embeddings", m.maxPositions()).put("dropout", m.hiddenDropout())
                    .put("attention_dropout", m.attentionDropout()).put("seq_classif_dropout", m.classifierDropout())
                    .put("activation", m.activation().hfName).put("initializer_range", m.initializerRange())
                    .put("pad_token_id", m.padTokenId()).put("sinusoidal_pos_embds", m.sinusoidalPositions());
        } else if (a == Architecture.XLNET) {
            // XLNetConfig raises on max_position_embeddings: its positions are relative.
            j.remove("max_position_embeddings");
            j.put("vocab_size", m.vocabSize()).put("d_model", m.hiddenSize()).put("n_layer", m.numLayers())
                    .put("n_head", m.numAttentionHeads()).put("d_head", m.headDim()).put("d_inner", m.intermediateSize())
                    .put("ff_activation", m.activation().hfName).put("dropout", m.hiddenDropout())
                    .put("summary_last_dropout", m.classifierDropout()).put("layer_norm_eps", m.layerNormEps())
                    .put("initializer_range", m.initializerRange()).put("pad_token_id", m.padTokenId())
                    .put("clamp_len", m.clampLength()).put("attn_type", "bi").put("bi_data", false)
                    .put("summary_type", "last").put("summary_use_proj", true).put("summary_activation", "tanh");
            if (m.summaryFirstDropout() > 0) j.put("summary_first_dropout", m.summaryFirstDropout());
            else j.remove("summary_first_dropout");
        } else {
            j.put("vocab_size", m.vocabSize()).put("hidden_size", m.hiddenSize())
                    .put("num_hidden_layers", m.numLayers()).put("num_attention_heads", m.numAttentionHeads())
                    .put("intermediate_size", m.intermediateSize()).put("max_position_embeddings", m.maxPositions())
                    .put("type_vocab_size", m.typeVocabSize()).put("hidden_dropout_prob", m.hiddenDropout())
                    .put("attention_probs_dropout_prob", m.attentionDropout())
                    .put("classifier_dropout", m.classifierDropout()).put("hidden_act", m.activation().hfName)
                    .put("layer_norm_eps", m.layerNormEps()).put("initializer_range", m.initializerRange())
                    .put("pad_token_id", m.padTokenId()).put("position_embedding_type", "absolute");
        }
        writeLabels(j, cfg.heads());
        j.set("headwise", headwiseJson(cfg.heads(), cfg.headwise()));
        return j;
    }

    private static ObjectNode headwiseJson(Heads heads, HeadwiseConfig c) {
        ObjectNode hw = Json.MAPPER.createObjectNode();
        hw.put("task", heads.task().id());
        ArrayNode levels = hw.putArray("levels");
        for (int i = 0; i < heads.levels().size(); i++) {
            Heads.Level l = heads.levels().get(i);
            ObjectNode ln = levels.addObject().put("name", l.name());
            l.labels().forEach(ln.putArray("labels")::add);
            // Where the level's logits lie in HF's flat output, [start, end).
            int start = heads.offset(i);
            ln.putArray("logits").add(start).add(start + l.size());
        }
        if (heads.task() == Task.BINARY) hw.put(BINARY_FORM_KEY, BINARY_FORM);
        if (c.truncation() != null) hw.put(MAX_LENGTH, c.truncation().maxLength()).put(TAIL_TOKENS, c.truncation().tailTokens());
        if (c.windows() != null) {
            ObjectNode w = hw.putObject(WINDOWS).put("overlap", c.windows().overlap()).put("pooling", c.windows().pooling().id());
            if (c.windows().maxWindows() != Integer.MAX_VALUE) w.put("max_windows", c.windows().maxWindows());
        }
        if (c.thresholds() != null) {
            ObjectNode t = hw.putObject(THRESHOLDS).put("global", c.thresholds().global());
            double[] perLabel = c.thresholds().perLabel();
            if (perLabel != null) for (double v : perLabel) t.withArray("per_label").add(v);
        }
        if (c.consistentDecoding() != null) hw.put(CONSISTENT_DECODING, c.consistentDecoding());
        if (c.labelSpace() != null) hw.set(LABEL_SPACE, Json.MAPPER.valueToTree(c.labelSpace().toConfig()));
        if (c.data() != null) hw.set(DATA, columnsJson(c.data()));
        if (c.exportedLevel() != null) hw.put(EXPORTED_LEVEL, c.exportedLevel());
        hw.setAll(c.unknown());
        return hw;
    }

    private static ObjectNode columnsJson(ColumnSpec d) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (d.textColumns() != null) d.textColumns().forEach(o.putArray("text_columns")::add);
        if (d.textSeparator() != null) o.put("text_separator", d.textSeparator());
        if (d.task() != null) o.put("task", d.task().id());
        if (d.labelColumn() != null) o.put("label_column", d.labelColumn());
        if (d.labelColumns() != null) d.labelColumns().forEach(o.putArray("label_columns")::add);
        if (d.labelSeparator() != null) o.put("label_separator", d.labelSeparator());
        if (d.levelSeparator() != null) o.put("level_separator", d.levelSeparator());
        if (d.levels() != null) o.put("levels", d.levels());
        return o;
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
        j.set("label2id", Json.MAPPER.valueToTree(label2id));
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
            AtomicFiles.write(file, Json.INDENTED.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new HeadwiseException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** config.json of a bare encoder (no heads), as HF writes it for {@code BertModel}, {@code XLNetModel} and the rest. */
    public static void writeEncoder(ModelConfig model, Path file) {
        ObjectNode j = toJson(new ClassifierConfig(model, Heads.single(Task.MULTICLASS, List.of("LABEL_0", "LABEL_1"))));
        j.remove(List.of("headwise", "id2label", "label2id", "num_labels", "problem_type"));
        j.set("architectures", Json.MAPPER.createArrayNode().add(model.architecture().hfBaseClassName));
        writeJson(j, file);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** Whether the field is there and not null. */
    private static boolean present(JsonNode j, String field) {
        JsonNode n = j.get(field);
        return n != null && !n.isNull();
    }

    private static ObjectNode object(JsonNode j, String field) {
        if (!(j.get(field) instanceof ObjectNode o)) throw new HeadwiseException("'" + field + "' must be a JSON object.");
        return o;
    }

    private static List<String> strings(JsonNode j, String field) {
        var out = new ArrayList<String>();
        for (JsonNode n : array(j, field)) {
            if (!n.isTextual()) throw new HeadwiseException("'" + field + "' must hold strings, got " + n + ".");
            out.add(n.asText());
        }
        return out;
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
        return text(j, field, dflt, false);
    }

    /** A string field; absent, its default, which null makes required unless {@code optional}. */
    private static String text(JsonNode j, String field, String dflt, boolean optional) {
        JsonNode n = j.get(field);
        if (n == null || n.isNull()) {
            if (dflt == null && !optional) throw new HeadwiseException("'" + field + "' is missing.");
            return dflt;
        }
        if (!n.isTextual()) throw new HeadwiseException("'" + field + "' must be a string, got " + n + ".");
        return n.asText();
    }
}
