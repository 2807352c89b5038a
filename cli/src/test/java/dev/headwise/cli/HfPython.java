package dev.headwise.cli;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Python with HF transformers that {@code HEADWISE_HF_PYTHON} names, for the tests that compare headwise with
 * HF itself, and the scripts in {@code cli/src/test/python} they run with it.
 */
public final class HfPython {
    private HfPython() {}

    /** The Python to run, or null with {@link #skipReason()} saying why there is none. */
    public static String python() {
        String python = System.getenv("HEADWISE_HF_PYTHON");
        return python == null || python.isBlank() ? null : python;
    }

    /** Why the HF tests cannot run here, or null when they can. */
    public static String skipReason() throws Exception {
        String python = python();
        if (python == null) return "HF interop tests skipped: HEADWISE_HF_PYTHON does not name a Python with transformers";
        Process p = new ProcessBuilder(python, "-c", "import transformers, torch").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        return p.waitFor() == 0 ? null : "HF interop tests skipped: " + python + " cannot import transformers: " + out;
    }

    /**
     * Runs a script's set-up ({@code make ...}) when HF is here. Returns why the HF tests cannot run, printed
     * for the test log, or null when they can.
     */
    public static String setUp(String script, Path logs, String... args) throws Exception {
        String skipped = skipReason();
        if (skipped != null) System.out.println(skipped);
        else run(script, logs, args);
        return skipped;
    }

    /** Skips the calling test, with the reason, unless HF is here. */
    public static void assume(String skipped) {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    /** Runs {@code src/test/python/SCRIPT args...}, its output logged under {@code logs}; fails the test if it fails. */
    public static void run(String script, Path logs, String... args) throws Exception {
        var cmd = new ArrayList<>(List.of(python(), Path.of("cli/src/test/python", script).toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(logs, "python", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        assertTrue(done && p.exitValue() == 0, script + " " + args[0] + " failed:\n" + Files.readString(log));
    }
}
