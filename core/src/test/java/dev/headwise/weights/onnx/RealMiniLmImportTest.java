package dev.headwise.weights.onnx;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Imports the real bundled all-MiniLM-L6-v2 export. */
class RealMiniLmImportTest {
    private static ImportedEncoder encoder;

    @BeforeAll
    static void importOnce() {
        encoder = BertOnnxImporter.importEncoder(BundledModels.ALL_MINILM_L6_V2);
    }

    @Test
    void shapeMatchesTheMiniLmConfig() {
        assertEquals(new BertShape(30522, 384, 6, 12, 1536, 512, 2, 1e-12, "gelu"), encoder.shape());
    }

    @Test
    void hasEveryEncoderTensorAndNoPooler() {
        assertEquals(5 + 6 * 16, encoder.tensors().size());
        assertFalse(encoder.hasPooler());
        for (int l = 0; l < 6; l++) {
            String p = "encoder.layer." + l + ".";
            assertShape(p + "attention.self.query.weight", 384, 384);
            assertShape(p + "attention.self.key.bias", 384);
            assertShape(p + "attention.self.value.weight", 384, 384);
            assertShape(p + "attention.output.dense.weight", 384, 384);
            assertShape(p + "attention.output.LayerNorm.weight", 384);
            // stored [384, 1536] and [1536, 384] for MatMul: these shapes prove the transposition to [out, in]
            assertShape(p + "intermediate.dense.weight", 1536, 384);
            assertShape(p + "intermediate.dense.bias", 1536);
            assertShape(p + "output.dense.weight", 384, 1536);
            assertShape(p + "output.LayerNorm.bias", 384);
        }
        assertShape("embeddings.word_embeddings.weight", 30522, 384);
        assertShape("embeddings.position_embeddings.weight", 512, 384);
        assertShape("embeddings.token_type_embeddings.weight", 2, 384);
    }

    @Test
    void layerNormWeightsAreTrainedValuesNotPlaceholders() {
        float[] gamma = encoder.tensors().get("encoder.layer.5.output.LayerNorm.weight").values();
        double mean = 0;
        for (float g : gamma) {
            mean += g / gamma.length;
        }
        assertTrue(mean > 0.1 && mean < 10, "mean gamma " + mean);
        assertFalse(gamma[0] == gamma[1] && gamma[1] == gamma[2]);
    }

    @Test
    void importsFromACopiedFileTheSameAsFromTheClasspath(@TempDir Path dir) {
        Path copy = BundledModels.ALL_MINILM_L6_V2.copyOnnxTo(dir.resolve("model.onnx"));
        assertTrue(Files.isRegularFile(copy));
        ImportedEncoder fromFile = BertOnnxImporter.importEncoder(copy);
        assertEquals(encoder.shape(), fromFile.shape());
        String name = "encoder.layer.3.attention.self.key.weight";
        assertArrayEquals(encoder.tensors().get(name).values(), fromFile.tensors().get(name).values());
    }

    private static void assertShape(String name, long... shape) {
        assertTrue(encoder.tensors().containsKey(name), name);
        assertArrayEquals(shape, encoder.tensors().get(name).shape(), name);
    }
}
