package dev.headwise.bench;

import dev.headwise.HeadwiseException;
import dev.headwise.model.ConfigJson;
import dev.headwise.model.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The HF peer of the benchmarks: its protocol against the real script, and the environment it gets. */
class PythonPeerTest {
    private static final Path SCRIPT = Path.of("benchmarks/python/hf_peer.py");

    @Test
    void thePeerRunsWithoutTheLaunchersSettingsButWithTheCallers() {
        var env = new HashMap<>(Map.of("HEADWISE_LAUNCHER_ENV", "OMP_WAIT_POLICY MALLOC_ARENA_MAX",
                "OMP_WAIT_POLICY", "PASSIVE", "MALLOC_ARENA_MAX", "1", "OPENBLAS_CORETYPE", "Haswell", "HOME", "/root"));
        PythonPeer.withoutLauncherSettings(env);
        assertEquals(Map.of("OPENBLAS_CORETYPE", "Haswell", "HOME", "/root"), env);
    }

    @Test
    void aPythonWithoutTransformersFailsInOneLine(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("python");
        Files.writeString(fake, "#!/bin/sh\necho 'ModuleNotFoundError: No module named transformers' >&2\nexit 1\n");
        assertTrue(fake.toFile().setExecutable(true));
        var e = assertThrows(HeadwiseException.class, () -> new PythonPeer(fake.toString(), SCRIPT, List.of("train")));
        assertTrue(e.getMessage().contains("exited during start (exit 1)") && e.getMessage().contains("No module named"),
                e.getMessage());
    }

    @Test
    void trainingRoundsComeBackTimed(@TempDir Path dir) {
        String python = System.getenv("HEADWISE_HF_PYTHON");
        assumeTrue(python != null && !python.isBlank(), "HF peer test skipped: HEADWISE_HF_PYTHON is not set");
        ConfigJson.writeEncoder(TinyModels.distilbert(), dir.resolve("config.json"));
        try (var peer = new PythonPeer(python, SCRIPT, List.of("train", "--config", dir.toString(), "--batch", "2",
                "--seq", "8", "--threads", "1"))) {
            assertTrue(peer.describe().startsWith("transformers "), peer.describe());
            long[] nanos = peer.round(3, 2);
            assertEquals(3, nanos.length);
            for (long n : nanos) assertTrue(n > 0, () -> java.util.Arrays.toString(nanos));
        }
    }
}
