package dev.headwise.cli;

import dev.headwise.weights.onnx.BundledModel;
import dev.headwise.weights.onnx.BundledModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportedModelCacheTest {
    private static final BundledModel MINILM = BundledModels.ALL_MINILM_L6_V2;

    @TempDir
    Path cache;

    @Test
    void importsOnceReusesTheCopyAndReimportsADamagedOrUnfinishedOne() throws IOException {
        Path dir = ImportedModelCache.locateOrImport(MINILM, cache);
        String digest = ImportedModelCache.sourceDigest(MINILM);
        assertEquals(cache.resolve("models").resolve("all-minilm-l6-v2-" + digest.substring(0, 12)), dir);
        Path weights = dir.resolve("model.safetensors");
        long size = Files.size(weights);
        FileTime written = Files.getLastModifiedTime(weights);
        assertTrue(ImportedModelCache.isValid(dir, digest));
        assertFalse(ImportedModelCache.isValid(dir, "0".repeat(64)), "another source never matches");

        assertEquals(dir, ImportedModelCache.locateOrImport(MINILM, cache));
        assertEquals(written, Files.getLastModifiedTime(weights), "a valid copy is used as it is");

        Files.write(weights, new byte[] {1, 2, 3}); // a damaged copy
        assertFalse(ImportedModelCache.isValid(dir, digest));
        Files.delete(dir.resolve(ImportedModelCache.MANIFEST)); // and an import that never finished
        assertFalse(ImportedModelCache.isValid(dir, digest));

        assertEquals(dir, ImportedModelCache.locateOrImport(MINILM, cache));
        assertEquals(size, Files.size(weights), "imported again");
        assertTrue(ImportedModelCache.isValid(dir, digest));
    }
}
