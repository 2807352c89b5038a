package dev.headwise.model;

import static dev.headwise.testing.FailFast.assertFailsFast;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A config.json cannot make headwise allocate per label beyond what a real classifier has. */
class ConfigJsonLimitsTest {
    @TempDir
    Path dir;

    /** Found by fuzzing: this 51-byte file used to allocate two billion label names and run out of memory. */
    @Test
    void hugeNumLabelsFailsFast() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"distilbert\",\"num_labels\":2147483647}");
        String message = assertFailsFast(() -> ConfigJson.read(file)).getMessage();
        assertTrue(message.contains("num_labels") && message.contains(file.toString()), message);
    }

    @Test
    void numLabelsAtTheLimitIsRead() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"),
                "{\"model_type\":\"bert\",\"num_labels\":" + ConfigJson.MAX_LABELS + "}");
        assertEquals(ConfigJson.MAX_LABELS, ConfigJson.read(file).heads().numLogits());
    }
}
