package dev.headwise.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.Task;
import dev.headwise.cli.Main;
import dev.headwise.io.Json;
import dev.headwise.model.Blas;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.ConfigJson;
import dev.headwise.model.Heads;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TinyModels;
import dev.headwise.weights.onnx.BundledModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench commands end to end with few steps: the documented JSON fields exist and hold finite numbers. */
class BenchHarnessTest {
    static final List<String> TRAIN_FIELDS = List.of("roofline_gflops", "model_gflops", "mfu", "samples_per_s",
            "tokens_per_s", "peak_rss_mb", "gflop_per_step", "mfu_median", "step_best_s", "step_median_s", "step_mean_s",
            "process_gemm_gflops");
    static final List<String> INFER_FIELDS = List.of("headwise_p50_ms", "headwise_p90_ms", "headwise_p99_ms",
            "headwise_p999_ms", "ort_p50_ms", "ort_p90_ms", "ort_p99_ms", "ort_p999_ms", "p50_ratio", "p99_ratio",
            "headwise_batch_throughput",
            "ort_batch_throughput", "throughput_ratio", "peak_rss_mb");

    static final List<String> LOAD_FIELDS = List.of("jvm_start_ms", "load_ms", "first_prediction_ms", "load_and_first_ms");

    @Test
    void trainOnATinyModelWritesEveryField(@TempDir Path dir) throws Exception {
        ConfigJson.writeEncoder(TinyModels.distilbert(), dir.resolve("config.json"));
        Path json = dir.resolve("train.json");
        String out = run("bench", "train", "--model", dir.toString(), "--batch", "2", "--seq", "8",
                "--steps", "2", "--warmup", "1", "--threads", "1", "--json", json.toString());
        assertTrue(out.contains("MFU"), out);

        JsonNode r = Json.MAPPER.readTree(Files.readString(json));
        TRAIN_FIELDS.forEach(f -> assertFiniteNumber(r, f));
        assertTrue(r.get("mfu").asDouble() > 0);
        assertEquals(8.0, r.get("tokens_per_s").asDouble() / r.get("samples_per_s").asDouble(), 1e-9); // seq
        assertEquals(r.get("model_gflops").asDouble() / r.get("roofline_gflops").asDouble(), r.get("mfu").asDouble(), 1e-9);
        // Without a launcher no other BLAS is measured: the roofline is this process's own best product.
        assertEquals(r.get("process_gemm_gflops").asDouble(), r.get("roofline_gflops").asDouble(), 1e-9);
        assertEquals(Blas.current().name().toLowerCase(java.util.Locale.ROOT), r.get("roofline_blas").asText());
        assertTrue(r.get("hf_samples_per_s") == null, "no peer, no hf_ fields");
        assertEquals(FlopCount.FORMULA, r.get("flop_formula").asText());
        JsonNode settings = r.get("settings");
        assertEquals(2, settings.get("batch").asInt());
        assertEquals(8, settings.get("seq").asInt());
        assertEquals(1, r.get("environment").get("threads").asInt());
        assertEquals(1, r.get("environment").get("blas_threads").asInt(), "the BLAS's own count, read back");
        assertEquals(Blas.current().describe(), r.get("environment").get("blas").asText());
        assertTrue(r.get("environment").get("libtorch").isTextual());
        assertEquals(RunEnvironment.nativeEnv(System.getenv()).keySet(),
                Set.copyOf(r.get("environment").get("native_env").properties().stream().map(Map.Entry::getKey).toList()));
    }

    @Test
    void nativeEnvRecordsOnlyOpenBlasAndMallocVariables() {
        var env = Map.of("OPENBLAS_THREAD_TIMEOUT", "4", "MALLOC_ARENA_MAX", "1", "HOME", "/root",
                "OMP_WAIT_POLICY", "PASSIVE", "XMALLOC_ARENA_MAX", "2");
        assertEquals(Map.of("OPENBLAS_THREAD_TIMEOUT", "4", "MALLOC_ARENA_MAX", "1"), RunEnvironment.nativeEnv(env));
        assertEquals(Map.of(), RunEnvironment.nativeEnv(Map.of("PATH", "/bin")));
    }

    @Test
    void inferAgainstOnnxRuntimeWritesEveryField(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("infer.json");
        run("bench", "infer", "--seq", "8", "--batch", "2", "--iterations", "2", "--batch-iterations", "2",
                "--threads", "1", "--json", json.toString());

        JsonNode r = Json.MAPPER.readTree(Files.readString(json));
        INFER_FIELDS.forEach(f -> assertFiniteNumber(r, f));
        assertEquals(r.get("headwise_p50_ms").asDouble() / r.get("ort_p50_ms").asDouble(), r.get("p50_ratio").asDouble(), 1e-9);
        assertTrue(r.get("headwise_p50_ms").asDouble() <= r.get("headwise_p99_ms").asDouble());
        assertTrue(r.get("headwise_p99_ms").asDouble() <= r.get("headwise_p999_ms").asDouble());
        assertEquals(r.get("headwise_p99_ms").asDouble() / r.get("ort_p99_ms").asDouble(), r.get("p99_ratio").asDouble(), 1e-9);
        assertEquals("all-minilm-l6-v2", r.get("settings").get("model").asText());
        assertTrue(r.get("environment").get("onnxruntime").isTextual());
        assertEquals("FP32", r.get("precision").get("running").asText());
        assertTrue(r.get("fp32_batch_throughput") == null || r.get("fp32_batch_throughput").isNull(), r::toString);
    }

    @Test
    void int8WithoutAPythonToQuantizeOrtsModelIsOneLineError() {
        String err = failing("bench", "infer", "--precision", "int8", "--iterations", "1");
        assertTrue(err.startsWith("headwise: bench infer --precision int8 runs ONNX Runtime on the model quantized"), err);
        assertEquals(1, err.strip().lines().count(), err);
    }

    @Test
    void loadRunsFreshJvmsOnASavedClassifier(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model");
        var config = new ClassifierConfig(ModelShapes.minilm().withSize(30522, 16, 1, 2, 32, 64),
                Heads.single(Task.BINARY, List.of("ham", "spam")));
        ModelFiles.save(TextClassifier.create(config, TinyModels.CPU), model);
        BundledModels.ALL_MINILM_L6_V2.copyTokenizerTo(model.resolve("tokenizer.json"));
        Path json = dir.resolve("load.json");
        String out = run("bench", "load", "--model", model.toString(), "--runs", "1", "--json", json.toString());
        assertTrue(out.contains("without cache"), out);

        JsonNode r = Json.MAPPER.readTree(Files.readString(json));
        LOAD_FIELDS.forEach(f -> assertFiniteNumber(r, f));
        assertEquals(r.get("load_ms").asDouble() + r.get("first_prediction_ms").asDouble(),
                r.get("load_and_first_ms").asDouble(), 1e-9);
        assertTrue(r.get("load_ms").asDouble() > 0 && r.get("jvm_start_ms").asDouble() > 0);
        // The test JVM has no ahead-of-time cache, so only plain runs happen.
        assertEquals(1, r.get("plain").get("runs").asInt());
        assertTrue(r.get("aot") == null && r.get("aot_ratio") == null, r::toString);
    }

    @Test
    void aChildJvmsFailureIsReportedWithItsOutput(@TempDir Path dir) {
        String err = failing("bench", "load", "--model", dir.toString(), "--runs", "1"); // no config.json
        assertTrue(err.startsWith("headwise: a load-bench JVM failed"), err);
        assertTrue(err.contains("config.json") && !err.contains("\tat "), err);
    }

    @Test
    void badSettingsEndInAOneLineError(@TempDir Path dir) {
        String err = failing("bench", "train", "--model", dir.resolve("nowhere").toString());
        assertTrue(err.startsWith("headwise: --model must be"), err);
    }

    /** Runs a command that must exit 1; returns its error output. */
    private static String failing(String... args) {
        var err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        assertEquals(1, cl.execute(args));
        return err.toString();
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
