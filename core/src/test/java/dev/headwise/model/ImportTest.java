package dev.headwise.model;

import dev.headwise.HeadwiseException;
import dev.headwise.weights.onnx.BundledModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportTest {
    @TempDir
    Path tmp;

    @Test
    void theBundledMiniLmBecomesABertDirectoryTrainingStartsFrom() throws Exception {
        Path out = tmp.resolve("minilm");
        Import.Imported imported = Import.bundled(BundledModels.ALL_MINILM_L6_V2, out, false);
        ModelConfig c = imported.config();
        assertEquals(Architecture.BERT, c.architecture());
        assertEquals(6, c.numLayers());
        assertEquals(384, c.hiddenSize());
        assertEquals(12, c.numAttentionHeads());
        assertEquals(0.1, c.hiddenDropout());
        assertTrue(imported.tensors() > 6 * 16, "every layer's tensors: " + imported.tensors());
        ModelFiles.requireModelDir(out);
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
        ModelConfig saved = ConfigJson.read(out.resolve("config.json")).model();
        assertEquals(c.vocabSize(), saved.vocabSize());
        assertEquals(c.padTokenId(), saved.padTokenId());

        var again = assertThrows(HeadwiseException.class, () -> Import.bundled(BundledModels.ALL_MINILM_L6_V2, out, false));
        assertTrue(again.getMessage().contains("already exists and is not empty"), again.getMessage());
    }

    @Test
    void anExportWithoutATokenizerIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path onnx = Files.write(tmp.resolve("model.onnx"), new byte[] {1, 2, 3});
        Path out = tmp.resolve("out");
        var e = assertThrows(HeadwiseException.class, () -> Import.onnx(onnx, null, out, false));
        assertEquals("no tokenizer found at " + tmp.resolve("tokenizer.json").toAbsolutePath() + "; pass --tokenizer FILE.",
                e.getMessage());
        assertFalse(Files.exists(out));
    }
}
