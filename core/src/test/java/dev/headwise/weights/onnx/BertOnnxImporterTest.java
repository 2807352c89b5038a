package dev.headwise.weights.onnx;

import dev.headwise.HeadwiseException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BertOnnxImporterTest {

    private static final List<String> LAYER_MODULES = List.of("attention.self.query", "attention.self.key",
            "attention.self.value", "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense",
            "output.dense", "output.LayerNorm");

    @Test
    void importsEveryTensorInHfNamesAndLayouts() {
        TinyBert spec = TinyBert.standard();
        ImportedEncoder encoder = BertOnnxImporter.importEncoder(spec.build(), "tiny.onnx");

        assertEquals(new BertShape(7, 4, 2, 2, 6, 5, 2, 1e-12, "gelu"), encoder.shape());
        List<String> expected = new ArrayList<>(List.of("embeddings.word_embeddings.weight",
                "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
                "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"));
        for (int l = 0; l < 2; l++) {
            for (String m : LAYER_MODULES) {
                expected.add("encoder.layer." + l + "." + m + ".weight");
                expected.add("encoder.layer." + l + "." + m + ".bias");
            }
        }
        assertEquals(expected, List.copyOf(encoder.tensors().keySet()));
        assertFalse(encoder.hasPooler());

        // [out, in] with the values the fixture stored transposed
        assertTensor(encoder, "encoder.layer.1.attention.self.query.weight", 4, 4);
        assertTensor(encoder, "encoder.layer.0.intermediate.dense.weight", 6, 4);
        assertTensor(encoder, "encoder.layer.1.output.dense.weight", 4, 6);
        assertTensor(encoder, "encoder.layer.0.intermediate.dense.bias", 6);
        assertTensor(encoder, "embeddings.word_embeddings.weight", 7, 4);
        assertTensor(encoder, "encoder.layer.1.output.LayerNorm.bias", 4);
    }

    @Test
    void readsFusedLayerNormConstantReshapeTanhGeluFloat16AndGemmPooler() {
        TinyBert spec = TinyBert.standard().withVariant(true, "initializer", "gelu_tanh", true, true);
        ImportedEncoder encoder = BertOnnxImporter.importEncoder(spec.build(), "fused.onnx");

        assertEquals(new BertShape(7, 4, 2, 2, 6, 5, 2, 1e-12, "gelu_new"), encoder.shape());
        assertTrue(encoder.hasPooler());
        assertTensor(encoder, "pooler.dense.weight", 4, 4); // Gemm transB=1 keeps [out, in]
        assertTensor(encoder, "encoder.layer.0.attention.self.value.weight", 4, 4);
    }

    @Test
    void findsHeadsFromScoreScalingWhenNoReshapeIsConstant() {
        TinyBert spec = new TinyBert(1, 8, 4, 6, 7, 5, 2, 1e-5f, false, "none", "relu", false, false);
        BertShape shape = BertOnnxImporter.importEncoder(spec.build(), "scaled.onnx").shape();
        assertEquals(4, shape.numAttentionHeads());
        assertEquals(1e-5, shape.layerNormEps());
        assertEquals("relu", shape.hiddenAct());
    }

    @Test
    void missingBiasIsNamedInTheError() {
        byte[] model = TinyBert.standard().build();
        byte[] renamed = replace(model, "encoder.layer.1.attention.self.key.bias", "encoder.layer.1.attention.self.key.bia_");
        HeadwiseException e = assertThrows(HeadwiseException.class,
                () -> BertOnnxImporter.importEncoder(renamed, "broken.onnx"));
        assertTrue(e.getMessage().contains("broken.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("encoder.layer.1.attention.self.key.weight"), e.getMessage());
    }

    @Test
    void twoWeightsForOneBiasAreAmbiguous() {
        String bias = "encoder.layer.0.attention.self.query.bias";
        byte[] model = Onnx.model(
                List.of(Onnx.node("MatMul", List.of("x", "w1"), List.of("m1")),
                        Onnx.node("Add", List.of(bias, "m1"), List.of("q1")),
                        Onnx.node("MatMul", List.of("x", "w2"), List.of("m2")),
                        Onnx.node("Add", List.of("m2", bias), List.of("q2"))),
                List.of(Onnx.floatTensor("embeddings.word_embeddings.weight", new long[] {1, 2}, new float[2]),
                        Onnx.floatTensor("w1", new long[] {2, 2}, new float[4]),
                        Onnx.floatTensor("w2", new long[] {2, 2}, new float[4]),
                        Onnx.floatTensor(bias, new long[] {2}, new float[2])),
                List.of("x"), List.of("q1", "q2"));
        HeadwiseException e = assertThrows(HeadwiseException.class,
                () -> BertOnnxImporter.importEncoder(model, "ambiguous.onnx"));
        assertTrue(e.getMessage().contains("encoder.layer.0.attention.self.query.weight is ambiguous"), e.getMessage());
    }

    @Test
    void aGraphWithoutBertEmbeddingsIsRejected() {
        byte[] model = Onnx.model(List.of(Onnx.node("Relu", List.of("x"), List.of("y"))),
                List.of(Onnx.floatTensor("w", new long[] {1}, new float[] {1})), List.of("x"), List.of("y"));
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> BertOnnxImporter.importEncoder(model, "relu.onnx"));
        assertTrue(e.getMessage().contains("embeddings.word_embeddings.weight"), e.getMessage());
    }

    @Test
    void everyTruncationOfAValidModelFailsCleanly() {
        byte[] model = TinyBert.standard().build();
        for (int length = 0; length < model.length; length += 7) {
            byte[] prefix = Arrays.copyOf(model, length);
            assertThrows(HeadwiseException.class, () -> BertOnnxImporter.importEncoder(prefix, "cut.onnx"),
                    "prefix of " + length + " bytes");
        }
    }

    @Test
    void transposeSwapsRowsAndColumns() {
        float[] m = {1, 2, 3, 4, 5, 6}; // 2 x 3
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, BertOnnxImporter.transpose(m, 2, 3));
    }

    private static void assertTensor(ImportedEncoder encoder, String name, long... shape) {
        OnnxTensor t = encoder.tensors().get(name);
        assertArrayEquals(shape, t.shape(), name);
        assertArrayEquals(TinyBert.hfValues(name, shape), t.values(), name);
    }

    /** Replaces a same-length ASCII string everywhere in a serialized model. */
    private static byte[] replace(byte[] model, String from, String to) {
        assertEquals(from.length(), to.length());
        String s = new String(model, StandardCharsets.ISO_8859_1);
        assertTrue(s.contains(from));
        return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }
}
