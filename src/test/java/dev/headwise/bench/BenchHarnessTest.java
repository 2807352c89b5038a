package dev.headwise.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwise.cli.Main;
import dev.headwise.model.ConfigJson;
import dev.headwise.model.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench commands end to end with few steps: the documented JSON fields exist and hold finite numbers. */
class BenchHarnessTest {
    static final List<String> TRAIN_FIELDS = List.of("roofline_gflops", "model_gflops", "mfu", "samples_per_s",
            "tokens_per_s", "peak_rss_mb", "gflop_per_step", "mfu_median", "step_best_s", "step_median_s", "step_mean_s");
    static final List<String> INFER_FIELDS = List.of("headwise_p50_ms", "headwise_p90_ms", "headwise_p99_ms",
            "ort_p50_ms", "ort_p90_ms", "ort_p99_ms", "p50_ratio", "headwise_batch_throughput",
            "ort_batch_throughput", "throughput_ratio", "peak_rss_mb");

    @Test
    void trainOnATinyModelWritesEveryField(@TempDir Path dir) throws Exception {
        ConfigJson.writeEncoder(TinyModels.distilbert(), dir.resolve("config.json"));
        Path json = dir.resolve("train.json");
        String out = run("bench", "train", "--model", dir.toString(), "--batch", "2", "--seq", "8",
                "--steps", "2", "--warmup", "1", "--threads", "1", "--json", json.toString());
        assertTrue(out.contains("MFU"), out);

        JsonNode r = new ObjectMapper().readTree(Files.readString(json));
        TRAIN_FIELDS.forEach(f -> assertFiniteNumber(r, f));
        assertTrue(r.get("mfu").asDouble() > 0);
        assertEquals(8.0, r.get("tokens_per_s").asDouble() / r.get("samples_per_s").asDouble(), 1e-9); // seq
        assertEquals(r.get("model_gflops").asDouble() / r.get("roofline_gflops").asDouble(), r.get("mfu").asDouble(), 1e-9);
        assertEquals(FlopCount.FORMULA, r.get("flop_formula").asText());
        JsonNode settings = r.get("settings");
        assertEquals(2, settings.get("batch").asInt());
        assertEquals(8, settings.get("seq").asInt());
        assertEquals(1, r.get("environment").get("threads").asInt());
        assertEquals(1, r.get("environment").get("blas_threads").asInt(), "OpenBLAS's own count, read back");
        assertTrue(r.get("environment").get("libtorch").isTextual());
    }

    @Test
    void inferAgainstOnnxRuntimeWritesEveryField(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("infer.json");
        run("bench", "infer", "--seq", "8", "--batch", "2", "--iterations", "2", "--batch-iterations", "2",
                "--threads", "1", "--json", json.toString());

        JsonNode r = new ObjectMapper().readTree(Files.readString(json));
        INFER_FIELDS.forEach(f -> assertFiniteNumber(r, f));
        assertEquals(r.get("headwise_p50_ms").asDouble() / r.get("ort_p50_ms").asDouble(), r.get("p50_ratio").asDouble(), 1e-9);
        assertTrue(r.get("headwise_p50_ms").asDouble() <= r.get("headwise_p99_ms").asDouble());
        assertEquals("all-minilm-l6-v2", r.get("settings").get("model").asText());
        assertTrue(r.get("environment").get("onnxruntime").isTextual());
    }

    @Test
    void badSettingsEndInAOneLineError(@TempDir Path dir) {
        var err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        assertEquals(1, cl.execute("bench", "train", "--model", dir.resolve("nowhere").toString()));
        assertTrue(err.toString().startsWith("headwise: --model must be"), err.toString());
    }

    private static String run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertEquals(0, cl.execute(args), err::toString);
        return out.toString();
    }

    private static void assertFiniteNumber(JsonNode report, String field) {
        JsonNode v = report.get(field);
        assertTrue(v != null && v.isNumber() && Double.isFinite(v.asDouble()), field + " = " + v);
    }
}
