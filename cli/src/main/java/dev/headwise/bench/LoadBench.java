package dev.headwise.bench;

import dev.headwise.HeadwiseException;
import dev.headwise.infer.Classifier;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Cold start as a service sees it: fresh JVMs, each loading a saved classifier and answering one prediction.
 * The children get this JVM's options and class path. When this JVM runs with an ahead-of-time cache
 * ({@code -XX:AOTCache}, as the launcher sets), runs with and without it alternate, so the two are compared
 * within one run.
 */
public final class LoadBench {
    private static final String AOT_CACHE = "-XX:AOTCache=";
    private static final String RESULT = "headwise-load-bench ";
    private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(2);

    private LoadBench() {}

    public record Settings(String model, int runs) {}

    /** One child JVM, in milliseconds: spawn to {@code main}, {@code Classifier.load}, the first {@code predict}. */
    public record Run(double jvmStartMs, double loadMs, double firstPredictionMs) {
        public double loadAndFirstMs() {
            return loadMs + firstPredictionMs;
        }
    }

    /** Medians over the runs of one kind of JVM, and the range of load + first prediction. */
    public record Mode(List<String> jvmOptions, int runs, double jvmStartMs, double loadMs, double firstPredictionMs,
                       double loadAndFirstMs, double loadAndFirstMinMs, double loadAndFirstMaxMs) {
        static Mode of(List<String> options, List<Run> runs) {
            double[] total = runs.stream().mapToDouble(Run::loadAndFirstMs).toArray();
            return new Mode(options, runs.size(), Median.of(runs.stream().mapToDouble(Run::jvmStartMs).toArray()),
                    Median.of(runs.stream().mapToDouble(Run::loadMs).toArray()),
                    Median.of(runs.stream().mapToDouble(Run::firstPredictionMs).toArray()),
                    Median.of(total), Arrays.stream(total).min().orElseThrow(), Arrays.stream(total).max().orElseThrow());
        }
    }

    /**
     * The top-level figures are this JVM's own kind (with its cache, if it has one); {@code plain} is
     * without a cache; {@code aotRatio} is load + first prediction with the cache over without it.
     */
    public record Report(Settings settings, double jvmStartMs, double loadMs, double firstPredictionMs,
                         double loadAndFirstMs, Mode aot, Mode plain, Double aotRatio) {}

    public static Report run(Path classifierDir, Settings s) {
        if (s.runs() < 1) throw new HeadwiseException("--runs must be at least 1, got " + s.runs() + ".");
        if (!Files.isDirectory(classifierDir)) throw new HeadwiseException("model directory " + classifierDir + " does not exist.");
        List<String> options = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> plainOptions = options.stream().filter(o -> !o.startsWith(AOT_CACHE)).toList();
        boolean cached = plainOptions.size() < options.size();
        var withCache = new ArrayList<Run>();
        var without = new ArrayList<Run>();
        for (int i = 0; i < s.runs(); i++) {
            if (cached) withCache.add(child(options, classifierDir));
            without.add(child(plainOptions, classifierDir));
        }
        Mode plain = Mode.of(plainOptions, without);
        Mode aot = cached ? Mode.of(options, withCache) : null;
        Mode own = cached ? aot : plain;
        return new Report(s, own.jvmStartMs(), own.loadMs(), own.firstPredictionMs(), own.loadAndFirstMs(), aot, plain,
                cached ? aot.loadAndFirstMs() / plain.loadAndFirstMs() : null);
    }

    private static Run child(List<String> options, Path dir) {
        var command = new ArrayList<String>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadBench.class.getName(), dir.toString()));
        Instant spawned = Instant.now();
        command.add(spawned.toString());
        Path log = null;
        try {
            log = Files.createTempFile("headwise-load-bench-", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new HeadwiseException("a load-bench JVM did not finish within " + CHILD_TIMEOUT.toMinutes() + " minutes.");
            }
            String out = Files.readString(log);
            String line = out.lines().filter(l -> l.startsWith(RESULT)).findFirst().orElseThrow(() -> new HeadwiseException(
                    "a load-bench JVM failed (exit " + p.exitValue() + "):\n" + out.strip()));
            double[] v = Arrays.stream(line.substring(RESULT.length()).split(" ")).mapToDouble(Double::parseDouble).toArray();
            return new Run(v[0], v[1], v[2]);
        } catch (IOException e) {
            throw new HeadwiseException("cannot start a JVM for the load bench: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeadwiseException("interrupted", e);
        } finally {
            if (log != null) log.toFile().delete();
        }
    }

    /** The child: {@code LoadBench DIR SPAWN_INSTANT}; prints one result line, or the error and exits 1. */
    public static void main(String[] args) {
        double jvmStartMs = Duration.between(Instant.parse(args[1]), Instant.now()).toNanos() / 1e6;
        long t0 = System.nanoTime();
        try (var classifier = Classifier.load(Path.of(args[0]))) {
            long t1 = System.nanoTime();
            classifier.predict("Subject: quarterly report\nHi all, the figures for the third quarter are attached.");
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "%s%.3f %.3f %.3f%n", RESULT, jvmStartMs, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        } catch (HeadwiseException e) {
            System.out.println(e.getMessage());
            System.exit(1);
        }
    }
}
