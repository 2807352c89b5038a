package dev.headwise.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** scripts/native-env.sh, which ./headwise sources before starting the JVM: which commands get which settings. */
class NativeEnvScriptTest {
    @Test
    void trainingCommandsGetTheThreadTimeoutAndMallocSettings() throws Exception {
        for (List<String> command : List.of(List.of("train", "--data", "x.csv"), List.of("demo"),
                List.of("bench", "train", "--steps", "3"))) {
            Map<String, String> env = envAfter(Map.of(), command);
            assertEquals("4", env.get("OPENBLAS_THREAD_TIMEOUT"), command.toString());
            assertEquals("1", env.get("MALLOC_ARENA_MAX"), command.toString());
            assertEquals("33554432", env.get("MALLOC_MMAP_THRESHOLD_"), command.toString());
            assertEquals("PASSIVE", env.get("OMP_WAIT_POLICY"), command.toString());
        }
    }

    @Test
    void otherCommandsOnlyGetTheOpenMpWaitPolicy() throws Exception {
        for (List<String> command : List.of(List.<String>of(), List.of("predict", "--model", "m"),
                List.of("bench", "infer"), List.of("bench", "load"), List.of("evaluate"), List.of("info"))) {
            Map<String, String> env = envAfter(Map.of(), command);
            assertEquals("PASSIVE", env.get("OMP_WAIT_POLICY"), command.toString());
            assertNull(env.get("OPENBLAS_THREAD_TIMEOUT"), command.toString());
            assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("MALLOC_")), command + ": " + env.keySet());
        }
    }

    @Test
    void settingsTheCallerMadeAreKept() throws Exception {
        Map<String, String> env = envAfter(Map.of("OMP_WAIT_POLICY", "ACTIVE", "OPENBLAS_THREAD_TIMEOUT", "9",
                "MALLOC_ARENA_MAX", "2"), List.of("train"));
        assertEquals("ACTIVE", env.get("OMP_WAIT_POLICY"));
        assertEquals("9", env.get("OPENBLAS_THREAD_TIMEOUT"));
        assertEquals("2", env.get("MALLOC_ARENA_MAX"));
        assertEquals("4294967296", env.get("MALLOC_TRIM_THRESHOLD_"));
    }

    /** The environment after sourcing the script and calling it with the launcher's arguments. */
    private static Map<String, String> envAfter(Map<String, String> preset, List<String> args)
            throws IOException, InterruptedException {
        var cmd = new ArrayList<>(List.of("bash", "-c", ". scripts/native-env.sh && hw_native_env \"$@\" && env -0",
                "native-env"));
        cmd.addAll(args);
        var pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("MALLOC_") || k.startsWith("OPENBLAS_")
                || k.equals("OMP_WAIT_POLICY"));
        pb.environment().putAll(preset);
        Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "the script failed for " + args);
        var env = new HashMap<String, String>();
        for (String entry : out.split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return env;
    }
}
