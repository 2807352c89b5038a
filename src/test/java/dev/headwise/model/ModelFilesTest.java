package dev.headwise.model;

import dev.headwise.Task;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
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
        var json = (ObjectNode) ConfigJson.MAPPER.readTree("""
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

    @Test
    void badConfigValuesFailWithTheFieldName() throws Exception {
        var json = (ObjectNode) ConfigJson.MAPPER.readTree("""
                {"model_type":"bert","hidden_size":30,"num_attention_heads":4}""");
        var e = assertThrows(HeadwiseException.class, () -> ConfigJson.parse(json, "cfg.json"));
        assertTrue(e.getMessage().contains("cfg.json") && e.getMessage().contains("multiple"), e.getMessage());
        var json2 = (ObjectNode) ConfigJson.MAPPER.readTree("{\"model_type\":\"gpt2\"}");
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
}
