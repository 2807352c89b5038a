package dev.headwise.weights.onnx;

import dev.headwise.HeadwiseException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The committed fuzzing seeds under onnx/seeds/ keep meaning what their names say. */
class OnnxSeedsTest {

    @Test
    void validSeedsImport() throws IOException {
        assertEquals(2, BertOnnxImporter.importEncoder(seed("tiny-bert.onnx"), "tiny-bert.onnx").shape().numLayers());
        assertTrue(BertOnnxImporter.importEncoder(seed("tiny-bert-fused-pooler-fp16.onnx"), "fused").hasPooler());
    }

    @Test
    void brokenSeedsFailWithHeadwiseException() throws IOException {
        for (String name : new String[] {"tiny-bert-truncated.onnx", "oversized-length.onnx"}) {
            byte[] bytes = seed(name);
            HeadwiseException e = assertThrows(HeadwiseException.class, () -> BertOnnxImporter.importEncoder(bytes, name));
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    private static byte[] seed(String name) throws IOException {
        try (InputStream in = OnnxSeedsTest.class.getResourceAsStream("/onnx/seeds/" + name)) {
            return in.readAllBytes();
        }
    }
}
