package dev.headwise.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

/** scripts/native-env.sh, which ./headwise sources before starting the JVM: which commands get which settings and JVM options. */
class NativeEnvScriptTest {
    private static final List<List<String>> TRAINING = List.of(List.of("train", "--data", "x.csv"), List.of("demo"),
            List.of("bench", "train", "--steps", "3"));
    private static final List<List<String>> OTHERS = List.of(List.<String>of(), List.of("predict", "--model", "m"),
            List.of("bench", "infer"), List.of("bench", "load"), List.of("evaluate"), List.of("info"));

    @Test
    void mklByDefaultOnGnuOpenMpWithTheMallocSettings() throws Exception {
        for (List<String> command : concat(TRAINING, OTHERS)) {
            Map<String, String> env = envAfter(Map.of(), command);
            assertEquals("GNU", env.get("MKL_THREADING_LAYER"), command.toString());
            assertEquals("1", env.get("MALLOC_ARENA_MAX"), command.toString());
            assertEquals("33554432", env.get("MALLOC_MMAP_THRESHOLD_"), command.toString());
            assertEquals("268435456", env.get("MALLOC_TOP_PAD_"), command.toString());
            assertNull(env.get("OPENBLAS_THREAD_TIMEOUT"), command.toString());
            assertNull(env.get("OMP_WAIT_POLICY"), command.toString());
        }
        for (List<String> command : TRAINING) {
            assertEquals("-Dorg.bytedeco.openblas.load=mkl_rt", javaOpts(Map.of(), command), command.toString());
        }
        for (List<String> command : OTHERS) {
            assertEquals("-Dorg.bytedeco.openblas.load=mkl_rt\n-XX:TieredStopAtLevel=1", javaOpts(Map.of(), command),
                    command.toString());
        }
    }

    @Test
    void openBlasGetsPassiveOpenMpEverywhereAndTheThreadTimeoutForTraining() throws Exception {
        Map<String, String> openblas = Map.of("HEADWISE_BLAS", "openblas");
        for (List<String> command : TRAINING) {
            Map<String, String> env = envAfter(openblas, command);
            assertEquals("4", env.get("OPENBLAS_THREAD_TIMEOUT"), command.toString());
            assertEquals("1", env.get("MALLOC_ARENA_MAX"), command.toString());
            assertEquals("PASSIVE", env.get("OMP_WAIT_POLICY"), command.toString());
            assertNull(env.get("MKL_THREADING_LAYER"), command.toString());
        }
        for (List<String> command : OTHERS) {
            Map<String, String> env = envAfter(openblas, command);
            assertEquals("PASSIVE", env.get("OMP_WAIT_POLICY"), command.toString());
            assertNull(env.get("OPENBLAS_THREAD_TIMEOUT"), command.toString());
            assertEquals("4294967296", env.get("MALLOC_TRIM_THRESHOLD_"), command.toString());
        }
        assertEquals("", javaOpts(openblas, List.of("train")));
        assertEquals("-XX:TieredStopAtLevel=1", javaOpts(openblas, List.of("predict")));
    }

    @Test
    void settingsTheCallerMadeAreKept() throws Exception {
        Map<String, String> env = envAfter(Map.of("HEADWISE_BLAS", "openblas", "OMP_WAIT_POLICY", "ACTIVE",
                "OPENBLAS_THREAD_TIMEOUT", "9", "MALLOC_ARENA_MAX", "2"), List.of("train"));
        assertEquals("ACTIVE", env.get("OMP_WAIT_POLICY"));
        assertEquals("9", env.get("OPENBLAS_THREAD_TIMEOUT"));
        assertEquals("2", env.get("MALLOC_ARENA_MAX"));
        assertEquals("4294967296", env.get("MALLOC_TRIM_THRESHOLD_"));
        assertEquals("INTEL", envAfter(Map.of("MKL_THREADING_LAYER", "INTEL"), List.of("info")).get("MKL_THREADING_LAYER"));
    }

    @Test
    void anUnknownBlasIsRefused() throws Exception {
        Process p = script(Map.of("HEADWISE_BLAS", "atlas"), ". scripts/native-env.sh && hw_native_env info", List.of());
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor());
        assertEquals("headwise: HEADWISE_BLAS must be mkl or openblas, not 'atlas'.", err.strip());
    }

    @Test
    void theCalibratedChoiceGoesByTheKindOfCommandAndHeadwiseBlasOverridesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("calibration.properties");
        Files.writeString(file, "training_blas=openblas\ninference_blas=mkl\nmkl.packed_max_rows=512\n"
                + "openblas.packed_max_rows=128\n");
        Map<String, String> calibrated = Map.of("HW_CALIBRATION", file.toString());
        for (List<String> command : TRAINING) {
            assertEquals("PASSIVE", envAfter(calibrated, command).get("OMP_WAIT_POLICY"), command.toString());
            assertEquals("-Dheadwise.packedLinear.maxRows=128", javaOpts(calibrated, command), command.toString());
        }
        for (List<String> command : OTHERS) {
            assertEquals("GNU", envAfter(calibrated, command).get("MKL_THREADING_LAYER"), command.toString());
            assertEquals("-Dorg.bytedeco.openblas.load=mkl_rt\n-XX:TieredStopAtLevel=1\n-Dheadwise.packedLinear.maxRows=512",
                    javaOpts(calibrated, command), command.toString());
        }
        var forced = new HashMap<>(calibrated);
        forced.put("HEADWISE_BLAS", "mkl");
        assertEquals("-Dorg.bytedeco.openblas.load=mkl_rt", javaOpts(forced, List.of("train")));
        assertEquals("GNU", envAfter(forced, List.of("train")).get("MKL_THREADING_LAYER"));
    }

    @Test
    void aMissingOrGarbledCalibrationMeansMkl(@TempDir Path dir) throws Exception {
        Path garbled = dir.resolve("garbled.properties");
        Files.writeString(garbled, "training_blas=atlas\n");
        for (String file : List.of(dir.resolve("absent").toString(), garbled.toString())) {
            assertEquals("-Dorg.bytedeco.openblas.load=mkl_rt", javaOpts(Map.of("HW_CALIBRATION", file), List.of("train")));
        }
    }

    @Test
    void theLauncherNamesTheVariablesItSet() throws Exception {
        Map<String, String> env = envAfter(Map.of("MALLOC_ARENA_MAX", "2"), List.of("predict"));
        assertEquals(List.of("MKL_THREADING_LAYER", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_"),
                List.of(env.get("HEADWISE_LAUNCHER_ENV").split(" ")));
    }

    @Test
    void theCalibrationFileIsKeyedByTheNativeLibraries(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.txt");
        Path b = dir.resolve("b.txt");
        Files.writeString(a, "/m2/x/pytorch-2.10.0-1.5.13-linux-x86_64.jar:/m2/y/jackson-core-2.20.1.jar");
        Files.writeString(b, "/m2/x/pytorch-2.11.0-1.5.14-linux-x86_64.jar:/m2/y/jackson-core-2.20.1.jar");
        Map<String, String> home = Map.of("XDG_CACHE_HOME", dir.toString());
        String first = calibrationFile(home, a);
        assertTrue(first.startsWith(dir + "/headwise/calibration-") && first.endsWith(".properties"), first);
        assertEquals(first, calibrationFile(home, a));
        assertNotEquals(first, calibrationFile(home, b));
    }

    @Test
    void onlyCommandsThatComputeCalibrateAndNotForTheirHelp() throws Exception {
        for (List<String> command : List.of(List.of("train", "--data", "x"), List.of("predict"), List.of("bench", "infer"),
                List.of("evaluate"), List.of("encode"), List.of("demo"))) {
            assertEquals(0, script(Map.of(), ". scripts/native-env.sh && hw_calibrating_command \"$@\"", command).waitFor(),
                    command.toString());
        }
        for (List<String> command : List.of(List.<String>of(), List.of("info"), List.of("calibrate"), List.of("import"),
                List.of("train", "--help"), List.of("bench", "infer", "-h"), List.of("predict", "--version"))) {
            assertEquals(1, script(Map.of(), ". scripts/native-env.sh && hw_calibrating_command \"$@\"", command).waitFor(),
                    command.toString());
        }
    }

    private static String calibrationFile(Map<String, String> preset, Path classPathFile) throws Exception {
        Process p = script(preset, ". scripts/native-env.sh && hw_calibration_file \"$1\" /nonexistent.so",
                List.of(classPathFile.toString()));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor());
        return out;
    }

    private static List<List<String>> concat(List<List<String>> a, List<List<String>> b) {
        var all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The environment after sourcing the script and calling it with the launcher's arguments. */
    private static Map<String, String> envAfter(Map<String, String> preset, List<String> args)
            throws IOException, InterruptedException {
        Process p = script(preset, ". scripts/native-env.sh && hw_native_env \"$@\" && env -0", args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "the script failed for " + args);
        var env = new HashMap<String, String>();
        for (String entry : out.split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return env;
    }

    /** What hw_java_opts prints for the launcher's java command line. */
    private static String javaOpts(Map<String, String> preset, List<String> args) throws IOException, InterruptedException {
        Process p = script(preset, ". scripts/native-env.sh && hw_java_opts \"$@\"", args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor());
        return out;
    }

    /** bash running {@code script} with {@code args}, in an environment cleared of the settings under test. */
    private static Process script(Map<String, String> preset, String script, List<String> args) throws IOException {
        var cmd = new ArrayList<>(List.of("bash", "-c", script, "native-env"));
        cmd.addAll(args);
        var pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("MALLOC_") || k.startsWith("OPENBLAS_")
                || k.startsWith("MKL_") || k.equals("OMP_WAIT_POLICY") || k.equals("HEADWISE_BLAS")
                || k.equals("HW_CALIBRATION") || k.equals("HEADWISE_LAUNCHER_ENV"));
        pb.environment().putAll(preset);
        return pb.start();
    }
}
