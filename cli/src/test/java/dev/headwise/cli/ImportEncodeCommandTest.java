package dev.headwise.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.headwise.io.Json;

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

    /**
     * --precision int8 on the real MiniLM: sentence vectors within cosine 0.99 of fp32's (docs/quantization.md).
     * bf16 either runs (a CPU with AVX512-BF16 or AMX) or says once why not and gives fp32's vectors.
     */
    @Test
    void reducedPrecisionEncodingsStayCloseToFp32() throws Exception {
        String[] texts = {"Free!!! Click here to claim your prize", "The meeting was moved to Thursday at 10am.", "x"};
        var fp32 = vectors(CliRunner.run(concat(new String[]{"encode", "--model", model.toString()}, texts)));
        var int8Run = CliRunner.run(concat(new String[]{"encode", "--model", model.toString(), "--precision", "int8"}, texts));
        var int8 = vectors(int8Run);
        boolean int8Runs = dev.headwise.model.InferencePrecision.INT8.onThisCpu().running() == dev.headwise.model.InferencePrecision.INT8;
        for (int i = 0; i < texts.length; i++) {
            double cos = cosine(fp32[i], int8[i]);
            System.out.printf("int8 against fp32, text %d: cosine %.5f%n", i, cos);
            assertTrue(cos >= 0.99 && (!int8Runs || cos < 1), "cosine " + cos);
        }
        var bf16Run = CliRunner.run(concat(new String[]{"encode", "--model", model.toString(), "--precision", "bf16"}, texts));
        var bf16 = vectors(bf16Run);
        var choice = dev.headwise.model.InferencePrecision.BF16.onThisCpu();
        if (choice.note() != null) {
            assertEquals("note: --precision bf16: " + choice.note(), bf16Run.err().strip());
            for (int i = 0; i < texts.length; i++) assertEquals(fp32[i][0], bf16[i][0], 1e-6, "fp32 ran");
        } else {
            assertTrue(bf16Run.err().isBlank(), bf16Run.err());
            for (int i = 0; i < texts.length; i++) assertTrue(cosine(fp32[i], bf16[i]) >= 0.999);
        }
    }

    /** bf16's products forced on whatever this CPU is (emulated by libtorch without AVX512-BF16): cosine 0.999. */
    @Test
    void bf16ProductsForcedStayCloseToFp32() {
        var texts = java.util.List.of("Free!!! Click here to claim your prize", "The meeting was moved to Thursday at 10am.");
        try (var m = dev.headwise.infer.LoadedModel.encoder(model, new org.bytedeco.pytorch.Device("cpu"))) {
            var pool = dev.headwise.infer.SentenceVectors.Pooling.MEAN;
            var fp32 = dev.headwise.infer.SentenceVectors.embed(m, texts, pool, 128, true);
            m.model().useLinearBackend(dev.headwise.model.LinearBackend.bf16());
            var bf16 = dev.headwise.infer.SentenceVectors.embed(m, texts, pool, 128, true);
            for (int i = 0; i < texts.size(); i++) {
                double[] a = new double[fp32.get(i).length], b = new double[a.length];
                for (int k = 0; k < a.length; k++) {
                    a[k] = fp32.get(i)[k];
                    b[k] = bf16.get(i)[k];
                }
                double cos = cosine(a, b);
                System.out.printf("bf16 (forced) against fp32, text %d: cosine %.6f%n", i, cos);
                assertTrue(cos >= 0.999 && cos < 1, "cosine " + cos);
            }
        }
    }

    private static double cosine(double[] a, double[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int k = 0; k < a.length; k++) {
            ab += a[k] * b[k];
            aa += a[k] * a[k];
            bb += b[k] * b[k];
        }
        return ab / Math.sqrt(aa * bb);
    }

    private static double[][] vectors(CliRunner r) throws Exception {
        assertEquals(0, r.exitCode(), r.err());
        return Json.MAPPER.readValue(r.out().strip(), double[][].class);
    }

    private static String[] concat(String[] a, String[] b) {
        var out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
