package dev.headwise.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.ConfigJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@code config.json} reading: every input is refused with a {@link HeadwiseException} or read into a
 * config whose saved JSON reads back to the same encoder, heads and headwise block.
 */
class ConfigJsonFuzzTest {
    private static final int QUICK_RUNS = 6000;

    @TempDir
    static Path dir;

    @FuzzTest
    void config(byte[] bytes) throws IOException {
        ClassifierConfig config;
        try {
            config = ConfigJson.read(FuzzFiles.replace(dir.resolve("config.json"), bytes));
        } catch (HeadwiseException expected) {
            return;
        }
        // Through text, as a save and a later load would go; parse must accept what toJson wrote.
        ObjectNode saved = (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(ConfigJson.toJson(config)));
        ClassifierConfig reread = ConfigJson.parse(saved, "the saved config");
        assertEquals(config.model(), reread.model());
        assertEquals(config.heads(), reread.heads());
        assertEquals(saved.get("headwise"), ConfigJson.toJson(reread).get("headwise"), "the headwise block reads back as saved");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void configMutants() {
        QuickFuzz.run(getClass(), "config", QUICK_RUNS, this::config);
    }
}
