package dev.headwise.model;

import dev.headwise.Task;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import dev.headwise.weights.DType;
import dev.headwise.weights.SafeTensors;
import dev.headwise.weights.TensorData;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFilesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Task.class)
    void saveThenLoadIsBitExact(Task task) {
        torch.manual_seed(3);
        var config = new ClassifierConfig(task == Task.BINARY ? TinyModels.bert() : TinyModels.distilbert(),
                TinyModels.heads(task));
        var model = TextClassifier.create(config, TinyModels.CPU);
        ModelFiles.save(model, dir);
        assertTrue(Files.exists(dir.resolve("model.safetensors")));
        var loaded = ModelFiles.load(dir, TinyModels.CPU);
        assertEquals(config.heads(), loaded.config().heads());
        assertEquals(config.model(), loaded.config().model());
        model.parameters().named().forEach((name, t) ->
                assertArrayEquals(Tensors.toFloats(t), Tensors.toFloats(loaded.parameters().named().get(name)), name));
    }

    @Test
    void hfFieldsAreWrittenAndUnknownFieldsKept() throws Exception {
        var json = (ObjectNode) Json.MAPPER.readTree("""
                {"model_type":"distilbert","dim":16,"n_layers":2,"n_heads":4,"hidden_dim":32,"vocab_size":50,
                 "max_position_embeddings":24,"transformers_version":"4.57.0","tie_weights_":true,
                 "id2label":{"0":"neg","1":"pos"},"problem_type":"single_label_classification"}""");
        var cfg = ConfigJson.parse(json, "test");
        assertEquals(Task.MULTICLASS, cfg.heads().task());
        assertEquals(List.of("neg", "pos"), cfg.heads().levels().getFirst().labels());
        var hier = cfg.withHeads(TinyModels.heads(Task.HIERARCHICAL));
        ObjectNode out = ConfigJson.toJson(hier);
        assertEquals("4.57.0", out.get("transformers_version").asText());
        assertTrue(out.get("tie_weights_").asBoolean());
        assertEquals(5, out.get("num_labels").asInt());
        assertEquals("level2:q1", out.get("id2label").get("4").asText());
        assertTrue(!out.has("problem_type"), "HF has no problem type for per-level heads");
        var back = ConfigJson.parse(out, "round trip");
        assertEquals(hier.heads(), back.heads());
        assertEquals(hier.model(), back.model());
    }

    /** XLNet settings only pretraining or generation uses are refused with the field named; HF's defaults apply. */
    @Test
    void xlnetConfigsReadAsXlnetConfigDoes() throws Exception {
        var plain = ConfigJson.parse((ObjectNode) Json.MAPPER.readTree("""
                {"model_type":"xlnet","d_model":16,"n_layer":2,"n_head":4,"d_inner":32,"vocab_size":60,"mem_len":null}"""), "x");
        ModelConfig m = plain.model();
        assertEquals(List.of(Architecture.XLNET, 5, 0.1, 0.1, -1, Integer.MAX_VALUE),
                List.of(m.architecture(), m.padTokenId(), m.hiddenDropout(), m.classifierDropout(), m.clampLength(), m.maxLength()));
        for (String bad : List.of("\"attn_type\":\"uni\"", "\"bi_data\":true", "\"summary_type\":\"first\"",
                "\"summary_proj_to_labels\":true", "\"d_head\":3", "\"summary_activation\":\"relu\"")) {
            var json = (ObjectNode) Json.MAPPER.readTree("{\"model_type\":\"xlnet\",\"d_model\":16,\"n_head\":4," + bad + "}");
            String field = bad.substring(1, bad.indexOf('"', 1));
            var e = assertThrows(HeadwiseException.class, () -> ConfigJson.parse(json, "x.json"));
            assertTrue(e.getMessage().startsWith("x.json: ") && e.getMessage().contains(field), e.getMessage());
        }
        var roberta = ConfigJson.parse((ObjectNode) Json.MAPPER.readTree("""
                {"model_type":"roberta","hidden_size":16,"num_attention_heads":4,"max_position_embeddings":514,
                 "type_vocab_size":1}"""), "r").model();
        assertEquals(List.of(1, 512, 50265), List.of(roberta.padTokenId(), roberta.maxLength(), roberta.vocabSize()));
    }

    @Test
    void badConfigValuesFailWithTheFieldName() throws Exception {
        var json = (ObjectNode) Json.MAPPER.readTree("""
                {"model_type":"bert","hidden_size":30,"num_attention_heads":4}""");
        var e = assertThrows(HeadwiseException.class, () -> ConfigJson.parse(json, "cfg.json"));
        assertTrue(e.getMessage().contains("cfg.json") && e.getMessage().contains("multiple"), e.getMessage());
        var json2 = (ObjectNode) Json.MAPPER.readTree("{\"model_type\":\"gpt2\"}");
        assertTrue(assertThrows(HeadwiseException.class, () -> ConfigJson.parse(json2, "x")).getMessage().contains("gpt2"));
    }

    /** A base-model checkpoint (no "bert." prefix, no pooler, plus an MLM head) gives the encoder; heads start fresh. */
    /** Loading copies straight from the mapped file into fp32 parameters, converting half types on the way. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F16", "BF16"})
    void halfPrecisionCheckpointsLoadAsTheirFp32Values(DType dtype) {
        torch.manual_seed(5);
        var config = new ClassifierConfig(TinyModels.bert(), TinyModels.heads(Task.MULTICLASS));
        ModelFiles.save(TextClassifier.create(config, TinyModels.CPU), dir);
        var expected = new HashMap<String, float[]>();
        var tensors = new ArrayList<TensorData>();
        try (var w = SafeTensors.openModelDir(dir)) {
            w.tensors().forEach((name, t) -> {
                float[] v = t.toFloatArray();
                var half = MemorySegment.ofArray(new short[v.length]);
                float[] rounded = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    short bits = dtype == DType.F16 ? Float.floatToFloat16(v[i])
                            : (short) (Float.floatToRawIntBits(v[i]) >>> 16); // bf16: the top half of the fp32 bits
                    half.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, bits);
                    rounded[i] = dtype == DType.F16 ? Float.float16ToFloat(bits) : Float.intBitsToFloat((bits & 0xffff) << 16);
                }
                expected.put(name, rounded);
                tensors.add(new TensorData(name, dtype, t.shape(), half));
            });
        }
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));

        var loaded = ModelFiles.load(dir, TinyModels.CPU);
        expected.forEach((name, v) -> assertArrayEquals(v, Tensors.toFloats(loaded.parameters().named().get(name)), name));
    }

    @Test
    void pretrainedEncoderLoadsWithoutPrefixAndHeadsStartFresh() {
        torch.manual_seed(4);
        var config = new ClassifierConfig(TinyModels.bert(), TinyModels.heads(Task.MULTICLASS));
        var source = TextClassifier.create(config, TinyModels.CPU);
        ModelFiles.save(source, dir);
        // Rewrite as a BertModel checkpoint: strip the prefix, drop pooler and classifier, add an unused tensor.
        var tensors = new ArrayList<TensorData>();
        try (var w = SafeTensors.openModelDir(dir)) {
            w.tensors().forEach((name, t) -> {
                if (name.startsWith("bert.") && !name.contains("pooler")) {
                    tensors.add(TensorData.ofFloats(name.substring(5), t.shape(), t.toFloatArray()));
                }
            });
        }
        tensors.add(TensorData.ofFloats("cls.predictions.bias", new long[]{50}, new float[50]));
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));

        var pre = ModelFiles.fromPretrained(dir, TinyModels.heads(Task.HIERARCHICAL), TinyModels.CPU);
        assertEquals(List.of("bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias"),
                pre.newlyInitialized());
        String name = "bert.encoder.layer.1.attention.self.query.weight";
        assertArrayEquals(Tensors.toFloats(source.parameters().named().get(name)),
                Tensors.toFloats(pre.model().parameters().named().get(name)));
    }

    /** HF reads a binary model as a two-label classifier whose softmax is headwise's sigmoid, and fine-tunes it with cross-entropy. */
    @Test
    void binaryIsSavedAsHfTwoLabelPairAndReadBackAsOneLogit() throws Exception {
        torch.manual_seed(6);
        var model = TextClassifier.create(new ClassifierConfig(TinyModels.distilbert(), TinyModels.heads(Task.BINARY)),
                TinyModels.CPU);
        ModelFiles.save(model, dir);
        try (var w = SafeTensors.openModelDir(dir)) {
            float[] rows = w.tensors().get("classifier.weight").toFloatArray();
            assertArrayEquals(new long[]{2, 16}, w.tensors().get("classifier.weight").shape());
            assertArrayEquals(new float[16], java.util.Arrays.copyOf(rows, 16), "row 0 is zero");
            assertArrayEquals(Tensors.toFloats(model.parameters().named().get("classifier.weight")),
                    java.util.Arrays.copyOfRange(rows, 16, 32));
            assertEquals(0f, w.tensors().get("classifier.bias").toFloatArray()[0]);
        }
        var json = Json.MAPPER.readTree(dir.resolve("config.json").toFile());
        assertEquals(2, json.get("num_labels").asInt());
        assertEquals("single_label_classification", json.get("problem_type").asText());
        assertEquals("pos", json.get("id2label").get("1").asText());
        assertEquals("softmax_pair", json.get("headwise").get("binary_logits").asText());
        assertEquals(Task.BINARY, ModelFiles.load(dir, TinyModels.CPU).config().heads().task());

        // Files from before the two-logit form hold the one row itself; they load as they are.
        var tensors = new ArrayList<TensorData>();
        try (var w = SafeTensors.openModelDir(dir)) {
            w.tensors().forEach((name, t) -> {
                float[] v = t.toFloatArray();
                if (name.startsWith("classifier.")) {
                    long[] shape = t.shape().clone();
                    shape[0] = 1;
                    tensors.add(TensorData.ofFloats(name, shape, java.util.Arrays.copyOfRange(v, v.length / 2, v.length)));
                } else {
                    tensors.add(TensorData.ofFloats(name, t.shape(), v));
                }
            });
        }
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        var old = ModelFiles.load(dir, TinyModels.CPU);
        model.parameters().named().forEach((name, t) ->
                assertArrayEquals(Tensors.toFloats(t), Tensors.toFloats(old.parameters().named().get(name)), name));
    }

    /** Any HF two-label classifier read as binary: its one logit is the difference of the two. */
    @Test
    void twoLabelClassifierReadAsBinaryHasTheDifferenceOfItsLogits() {
        torch.manual_seed(7);
        var model = TextClassifier.create(new ClassifierConfig(TinyModels.bert(),
                Heads.single(Task.MULTICLASS, List.of("neg", "pos"))), TinyModels.CPU);
        ModelFiles.save(model, dir);
        var binary = ModelFiles.load(dir, TinyModels.CPU, Task.BINARY);
        assertEquals(Heads.single(Task.BINARY, List.of("neg", "pos")), binary.config().heads());
        var x = TinyModels.batch(8, 4, 10, 50);
        float[] two = Tensors.toFloats(model.logits(x[0], x[1], null, false));
        float[] one = Tensors.toFloats(binary.logits(x[0], x[1], null, false));
        for (int i = 0; i < 4; i++) assertEquals(two[2 * i + 1] - two[2 * i], one[i], 1e-5, "row " + i);
        var e = assertThrows(HeadwiseException.class, () -> ModelFiles.load(dir, TinyModels.CPU, Task.HIERARCHICAL));
        assertTrue(e.getMessage().contains("level:label"), e.getMessage());
    }

    /** An HF classifier whose id2label names level:label, level by level, reads as hierarchical heads. */
    @Test
    void levelLabelNamesReadAsHierarchicalHeads() {
        var names = List.of("level1:p", "level1:q", "level2:p1", "level2:p2", "level2:q1");
        ModelFiles.save(TextClassifier.create(new ClassifierConfig(TinyModels.distilbert(),
                Heads.single(Task.MULTICLASS, names)), TinyModels.CPU), dir);
        assertEquals(TinyModels.heads(Task.HIERARCHICAL), ModelFiles.load(dir, TinyModels.CPU, Task.HIERARCHICAL).config().heads());
        assertEquals(Task.MULTILABEL, ModelFiles.load(dir, TinyModels.CPU, Task.MULTILABEL).config().heads().task());
        var mixed = new Heads(Task.MULTICLASS, List.of(new Heads.Level("labels", List.of("a:x", "b:y", "a:z"))));
        assertThrows(HeadwiseException.class, () -> mixed.as(Task.HIERARCHICAL), "levels must not interleave");
    }

    /** Fine-tuning from a classifier: rows follow their label names; new labels start fresh, dropped ones are named. */
    @Test
    void headRowsAreMatchedByLabelName() {
        torch.manual_seed(8);
        var source = TextClassifier.create(new ClassifierConfig(TinyModels.distilbert(), TinyModels.heads(Task.MULTICLASS)),
                TinyModels.CPU);
        ModelFiles.save(source, dir);
        float[] w = Tensors.toFloats(source.parameters().named().get("classifier.weight"));
        float[] b = Tensors.toFloats(source.parameters().named().get("classifier.bias"));

        var pre = ModelFiles.fromPretrained(dir, Heads.single(Task.MULTICLASS, List.of("c", "a", "d")), TinyModels.CPU);
        float[] w2 = Tensors.toFloats(pre.model().parameters().named().get("classifier.weight"));
        float[] b2 = Tensors.toFloats(pre.model().parameters().named().get("classifier.bias"));
        assertArrayEquals(java.util.Arrays.copyOfRange(w, 32, 48), java.util.Arrays.copyOfRange(w2, 0, 16), "c");
        assertArrayEquals(java.util.Arrays.copyOfRange(w, 0, 16), java.util.Arrays.copyOfRange(w2, 16, 32), "a");
        assertEquals(b[2], b2[0]);
        assertEquals(b[0], b2[1]);
        assertTrue(!java.util.Arrays.equals(java.util.Arrays.copyOfRange(w, 16, 32), java.util.Arrays.copyOfRange(w2, 32, 48)),
                "d is not b's row");
        assertEquals(List.of("d"), pre.newLabels());
        assertEquals(List.of("b"), pre.droppedLabels());
        assertTrue(pre.reordered());
        assertTrue(!pre.newlyInitialized().contains("classifier.weight"), pre.newlyInitialized().toString());

        var none = ModelFiles.fromPretrained(dir, Heads.single(Task.MULTICLASS, List.of("x", "y")), TinyModels.CPU);
        assertEquals(List.of("x", "y"), none.newLabels());
        assertEquals(List.of("a", "b", "c"), none.droppedLabels());
        assertTrue(none.newlyInitialized().contains("classifier.weight"));

        var binary = ModelFiles.fromPretrained(dir, Heads.single(Task.BINARY, List.of("c", "a")), TinyModels.CPU);
        float[] row = Tensors.toFloats(binary.model().parameters().named().get("classifier.weight"));
        for (int k = 0; k < 16; k++) assertEquals(w[k] - w[32 + k], row[k], 1e-7, "binary row = a - c");
    }
}
