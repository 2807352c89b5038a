package dev.headwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.ffm.kernels.Int8LinearKernel;
import dev.headwise.io.Json;
import dev.headwise.model.InferencePrecision;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code evaluate --json} and {@code predict --output} write, and what they refuse to overwrite. */
class EvaluatePredictOutputTest {
    @TempDir
    static Path tmp;
    static Path run;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        Path config = dev.headwise.testing.TinyConfig.write(tmp.resolve("tiny"));
        var sb = new StringBuilder("text,topic\n");
        for (int i = 0; i < 30; i++) sb.append(i % 2 == 0 ? "red apple pie," : "blue sea wave,").append(i % 2 == 0 ? "food\n" : "sea\n");
        Path data = Files.writeString(tmp.resolve("train.csv"), sb);
        run = tmp.resolve("run");
        var r = CliRunner.run("train", "--data", data.toString(), "--task", "multiclass", "--label-column", "topic",
                "--model", config.toString(), "--from-scratch", "--epochs", "1", "--max-length", "8", "--threads", "1",
                "--out", run.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
    }

    @Test
    void rowsWithUnseenLabelsAreCountedInTheJson() throws Exception {
        Path test = Files.writeString(tmp.resolve("test.csv"),
                "text,topic\nred apple pie,food\nblue sea wave,sea\nsnow peak,mountain\nice cliff,mountain\nsand,desert\n");
        Path json = tmp.resolve("metrics.json");
        var r = CliRunner.run("evaluate", "--model", run.toString(), "--data", test.toString(), "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("3 rows with labels never seen in training were left out"), r.out());
        JsonNode m = Json.MAPPER.readTree(json.toFile());
        assertEquals(3, m.get("unseen_label_rows").asInt(), m.toString());
        assertEquals(2, m.get("unseen_labels").get("mountain").asInt());
        assertEquals(1, m.get("unseen_labels").get("desert").asInt());
        assertTrue(m.has("accuracy"), "the metrics are still there");
    }

    @Test
    void infoNamesTheLabelColumnAndTheLabels() {
        var r = CliRunner.run("info", "--model", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("task            multiclass from column topic"), r.out());
        assertTrue(r.out().contains("labels          2: food, sea"), r.out());
        assertTrue(r.out().contains("gpu (driver)") && !r.out().contains("probing CUDA failed"), r.out());
        // The precision line says what --precision int8 and bf16 would run here, as loading would decide it.
        String int8 = InferencePrecision.INT8.onThisCpu().running() == InferencePrecision.INT8
                ? "int8 on the int8 kernel, " + Int8LinearKernel.get().orElseThrow().describe() : "int8: this CPU has";
        String bf16 = InferencePrecision.BF16.onThisCpu().running() == InferencePrecision.BF16
                ? "bf16 through libtorch" : "bf16: this CPU has no AVX512-BF16";
        String line = r.out().lines().filter(l -> l.startsWith("precision ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        assertTrue(line.contains("fp32; " + int8) && line.contains(bf16), line);
    }

    @Test
    void predictRefusesToOverwriteAFileUnlessToldAndNeverItsInput() throws Exception {
        Path input = Files.writeString(tmp.resolve("input.csv"), "text\nred apple\nblue sea\n");
        Path output = Files.writeString(tmp.resolve("predictions.csv"), "precious\n");
        var refused = CliRunner.run("predict", "--model", run.toString(), "--input", input.toString(), "--output",
                output.toString());
        assertEquals(1, refused.exitCode());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertTrue(refused.err().contains("--overwrite"), refused.err());
        assertEquals("precious\n", Files.readString(output));

        var ownInput = CliRunner.run("predict", "--model", run.toString(), "--input", input.toString(), "--output",
                tmp.resolve(".").resolve("input.csv").toString(), "--overwrite");
        assertEquals(1, ownInput.exitCode());
        assertTrue(ownInput.err().contains("is the --input file"), ownInput.err());
        assertEquals("text\nred apple\nblue sea\n", Files.readString(input));

        var replaced = CliRunner.run("predict", "--model", run.toString(), "--input", input.toString(), "--output",
                output.toString(), "--overwrite");
        assertEquals(0, replaced.exitCode(), replaced.err());
        assertEquals(3, Files.readAllLines(output).size());
        assertTrue(Files.readString(output).startsWith("text,prediction,probability"));
    }
}
