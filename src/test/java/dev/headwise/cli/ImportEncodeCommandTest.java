package dev.headwise.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportEncodeCommandTest {
    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void importBundled() {
        model = tmp.resolve("minilm");
        var r = CliRunner.run("import", "--bundled", "all-minilm-l6-v2", "--out", model.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.exists(model.resolve("config.json")) && Files.exists(model.resolve("tokenizer.json")));
    }

    @Test
    void existingOutputNeedsOverwriteAndIsLeftIntact() throws Exception {
        byte[] before = Files.readAllBytes(model.resolve("model.safetensors"));
        var r = CliRunner.run("import", "--bundled", "all-minilm-l6-v2", "--out", model.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("headwise: ") && r.err().contains("--overwrite"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(model.resolve("model.safetensors"))));
    }

    @Test
    void unknownBundledModelIsOneClearError() {
        var r = CliRunner.run("import", "--bundled", "nope", "--out", tmp.resolve("x").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("nope"), r.err());
        assertTrue(Files.notExists(tmp.resolve("x")));
    }

    @Test
    void predictingWithTheEncoderSaysItHasNoClassifierYet() {
        var r = CliRunner.run("predict", "--model", model.toString(), "some text");
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("is an encoder without a classifier") && r.err().contains("headwise train --model"),
                r.err());
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.headwise.HeadwiseException.class,
                () -> dev.headwise.infer.Classifier.load(model));
        assertTrue(e.getMessage().contains("is an encoder without a classifier"), e.getMessage());
    }

    @Test
    void batchedAndSingleEncodingsAgree() throws Exception {
        String[] texts = {"spam spam spam", "a much longer sentence about the weather in spring", "x"};
        var single = vectors(CliRunner.run(concat(new String[]{"encode", "--model", model.toString()}, texts)));
        var batched = vectors(CliRunner.run(concat(new String[]{"encode", "--model", model.toString(), "--batch"}, texts)));
        assertEquals(3, single.length);
        assertEquals(384, single[0].length);
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 384; k++) assertEquals(single[i][k], batched[i][k], 1e-5);
        }
        var cls = vectors(CliRunner.run(concat(new String[]{"encode", "--model", model.toString(), "--pool", "cls"}, texts)));
        assertTrue(Math.abs(cls[0][0] - single[0][0]) > 1e-6, "cls and mean pooling differ");
    }

    private static double[][] vectors(CliRunner r) throws Exception {
        assertEquals(0, r.exitCode(), r.err());
        return new ObjectMapper().readValue(r.out().strip(), double[][].class);
    }

    private static String[] concat(String[] a, String[] b) {
        var out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
