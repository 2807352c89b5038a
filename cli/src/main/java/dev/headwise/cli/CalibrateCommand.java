package dev.headwise.cli;

import dev.headwise.HeadwiseException;
import dev.headwise.bench.BenchJson;
import dev.headwise.bench.ProductPaths;
import dev.headwise.bench.ProductProbe;
import dev.headwise.model.Blas;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code headwise calibrate}: times every BLAS on the class path on a training step's products and on whole
 * forwards, each in a fresh process started through the launcher with that BLAS's thread settings, and
 * writes the choice to the file the launcher reads for every later command. The launcher runs it once per
 * machine (the file's name is keyed by CPU model, CPU flags and library versions).
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Measure which BLAS and kernel serve this machine fastest, for training and for inference, "
                + "and record the choice for later commands (the launcher does this once per machine).")
final class CalibrateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final long PROBE_TIMEOUT_S = 300;
    private static final int PASSES = 2;

    @Option(names = "--quiet", description = "Print nothing but errors.")
    boolean quiet;

    @Override
    public Integer call() {
        Path file = ProductPaths.machineFile().orElseThrow(() -> new HeadwiseException(
                "calibrate runs through the ./headwise launcher, which names the machine's calibration file."));
        String launcher = launcher().orElseThrow(() -> new HeadwiseException("calibrate runs through the ./headwise launcher."));
        int threads = Runtime.getRuntime().availableProcessors();
        double load = loadAverage();
        if (load > 0.5 * threads) {
            spec.commandLine().getErr().printf("headwise: other processes keep this machine busy (load %.1f on %d "
                    + "cores), which can skew the choice; run `headwise calibrate` again when it is idle.%n", load, threads);
        }
        var training = new EnumMap<Blas, ProductProbe.Training>(Blas.class);
        var inference = new EnumMap<Blas, ProductProbe.Inference>(Blas.class);
        // The BLAS take turns, twice, and each keeps its best figures: a burst of load from other processes
        // then slows one pass of one BLAS, not the choice.
        for (int pass = 0; pass < PASSES; pass++) {
            for (Blas blas : Blas.values()) {
                training.merge(blas, probe(launcher, blas, "train", threads, ProductProbe.Training.class),
                        ProductProbe.Training::best);
                inference.merge(blas, probe(launcher, blas, "infer", threads, ProductProbe.Inference.class),
                        ProductProbe.Inference::best);
            }
        }
        var paths = ProductPaths.decide(training, inference);
        paths.write(file);
        if (!quiet) {
            var out = spec.commandLine().getOut();
            paths.describe().forEach(out::println);
            out.println("recorded in " + file);
            out.flush();
        }
        return 0;
    }

    /** The one-minute load average, 0 where /proc/loadavg cannot be read. */
    private static double loadAverage() {
        try {
            return Double.parseDouble(java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The ./headwise script that started this process, which starts probes with a BLAS's settings. */
    static Optional<String> launcher() {
        return Optional.ofNullable(System.getProperty("headwise.launcher"));
    }

    /** One probe in a fresh process on {@code blas}, read back from the JSON it prints. */
    static <T> T probe(String launcher, Blas blas, String kind, int threads, Class<T> type) {
        var pb = new ProcessBuilder(launcher, "calibrate-probe", kind, "--threads", String.valueOf(threads));
        pb.environment().put("HEADWISE_BLAS", blas.name().toLowerCase(Locale.ROOT));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            var output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // A probe takes seconds; one that hangs (a wedged thread pool, say) must not hang the command behind it.
            if (!p.waitFor(PROBE_TIMEOUT_S, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new HeadwiseException("the " + kind + " probe on " + blas + " did not finish in " + PROBE_TIMEOUT_S
                        + " s; HEADWISE_BLAS=mkl or openblas skips calibration.");
            }
            String json = output.join();
            if (p.exitValue() != 0) {
                throw new HeadwiseException("the " + kind + " probe on " + blas + " failed (exit " + p.exitValue()
                        + "); HEADWISE_BLAS=mkl or openblas skips calibration.");
            }
            return BenchJson.fromJson(json, type);
        } catch (IOException e) {
            throw new HeadwiseException("cannot start " + launcher + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeadwiseException("interrupted while calibrating", e);
        }
    }

    /** {@code headwise calibrate-probe train|infer} (hidden): one probe on this process's BLAS, as JSON. */
    @Command(name = "calibrate-probe", hidden = true)
    static final class Probe implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "train|infer")
        String kind;

        @Option(names = "--threads", required = true)
        int threads;

        @Override
        public Integer call() {
            Object figures = switch (kind) {
                case "train" -> ProductProbe.training(threads);
                case "infer" -> ProductProbe.inference(threads);
                default -> throw new HeadwiseException("calibrate-probe takes train or infer, not '" + kind + "'.");
            };
            spec.commandLine().getOut().println(BenchJson.toJson(figures));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
