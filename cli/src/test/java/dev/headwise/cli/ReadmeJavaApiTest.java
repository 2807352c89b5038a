package dev.headwise.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java API snippet, as a newcomer would run it: compiled from source, it fine-tunes a tiny model
 * (trained from scratch by {@code headwise train}), evaluates the result and predicts with it.
 */
class ReadmeJavaApiTest {
    @TempDir
    Path tmp;

    @Test
    void theSnippetTrainsEvaluatesAndPredicts() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Java API"));
        var m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(section);
        assertTrue(m.find(), "a java block in the Java API section");
        Path source = Files.writeString(tmp.resolve("News.java"), m.group(1));

        Path config = dev.headwise.testing.TinyConfig.write(tmp.resolve("tiny"));
        var sb = new StringBuilder("text,label\n");
        for (int i = 0; i < 30; i++) sb.append(i % 2 == 0 ? "stocks rallied,markets\n" : "rain fell,weather\n");
        Path data = Files.writeString(tmp.resolve("news.csv"), sb);
        Path encoder = tmp.resolve("encoder");
        var trained = CliRunner.run("train", "--data", data.toString(), "--task", "multiclass", "--model", config.toString(),
                "--from-scratch", "--epochs", "1", "--max-length", "8", "--threads", "1", "--out", encoder.toString());
        assertEquals(0, trained.exitCode(), trained.err());
        Path run = tmp.resolve("news");

        // The README's command line, with this build's class path.
        var pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), source.toString(),
                encoder.toString(), data.toString(), run.toString()).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), output);
        List<String> lines = output.strip().lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertEquals(3, lines.size(), output);
        assertTrue(lines.get(0).matches("test accuracy (0|1)\\.\\d+(E-\\d+)?"), output);
        assertTrue(lines.get(1).matches("accuracy on 30 examples (0|1)\\.\\d+(E-\\d+)?"), output);
        assertTrue(lines.get(2).matches("\\[(markets|weather)]"), output);
        // What the snippet saved is a finished model folder beside the encoder it started from.
        assertTrue(Files.isRegularFile(run.resolve("test_metrics.json")), "test metrics of the 0.2 test split");
        assertTrue(Files.isRegularFile(run.resolve("model.safetensors")));
    }
}
