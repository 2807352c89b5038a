package dev.headwise.bench;

import dev.headwise.HeadwiseException;
import dev.headwise.io.AtomicFiles;
import dev.headwise.model.Blas;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The product paths {@code headwise calibrate} measured fastest on this machine, and the figures behind the
 * choice. The launcher reads the file this writes ({@code training_blas}, {@code inference_blas} and each
 * BLAS's {@code packed_max_rows}: plain {@code key=value} lines) to set up each command's process; a process
 * loads one BLAS, so the choice is per kind of command: training, or inference.
 *
 * @param trainingBlas the BLAS for commands that train: the faster on a training step's products
 * @param inferenceBlas the BLAS for commands that only predict: the faster over whole forwards at batch 1 and 32
 * @param packedMaxRows rows up to which the packed kernel beat {@code inferenceBlas} at every row count measured
 *                      (0: never, or no kernel on this CPU)
 */
public record ProductPaths(Blas trainingBlas, Blas inferenceBlas, int packedMaxRows,
                           Map<Blas, ProductProbe.Training> training, Map<Blas, ProductProbe.Inference> inference) {

    public ProductPaths {
        training = Map.copyOf(training);
        inference = Map.copyOf(inference);
    }

    /** Picks the faster BLAS for each kind of command from probes of every candidate. */
    public static ProductPaths decide(Map<Blas, ProductProbe.Training> training, Map<Blas, ProductProbe.Inference> inference) {
        if (training.isEmpty() || inference.isEmpty()) throw new IllegalArgumentException("no probes to choose from");
        Blas forTraining = training.entrySet().stream()
                .max((a, b) -> Double.compare(a.getValue().ffnGflops(), b.getValue().ffnGflops())).orElseThrow().getKey();
        // Latency and throughput count alike: the geometric mean of the two forward times.
        Blas forInference = inference.entrySet().stream()
                .min((a, b) -> Double.compare(score(a.getValue()), score(b.getValue()))).orElseThrow().getKey();
        return new ProductPaths(forTraining, forInference, packedMaxRows(inference.get(forInference).kernel()),
                training, inference);
    }

    private static double score(ProductProbe.Inference probe) {
        return Math.sqrt(probe.batch1Ms() * probe.batch32Ms());
    }

    /**
     * The largest row count up to which the kernel was faster at every count measured; 0 if not at the first;
     * {@link #ANY_ROWS} if at every one, since past a few thousand rows both sides are bound by the same
     * multiply-adds per row.
     */
    static int packedMaxRows(List<ProductProbe.KernelPoint> points) {
        int rows = 0;
        var sorted = points.stream().sorted((a, b) -> Integer.compare(a.rows(), b.rows())).toList();
        for (var p : sorted) {
            if (!(p.kernelUs() < p.blasUs())) return rows;  // NaN (no kernel) stops too
            rows = p.rows();
        }
        return sorted.isEmpty() ? 0 : ANY_ROWS;
    }

    /** {@link #packedMaxRows} when the kernel won at every row count measured. */
    public static final int ANY_ROWS = Integer.MAX_VALUE;

    /** The best square-GEMM rate any BLAS reached, and which: the honest ceiling for a training step. */
    public Map.Entry<Blas, Double> bestGemm() {
        return training.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue().gemmGflops()))
                .max(Map.Entry.comparingByValue()).orElseThrow();
    }

    /** Lines for {@code headwise info} and {@code headwise calibrate}. */
    public List<String> describe() {
        var lines = new ArrayList<String>();
        lines.add(String.format(Locale.ROOT, "training on %s, inference on %s, packed kernel %s",
                name(trainingBlas), name(inferenceBlas), packedMaxRows == ANY_ROWS ? "at any number of rows"
                        : packedMaxRows == 0 ? "not used" : "up to " + packedMaxRows + " rows"));
        for (Blas b : Blas.values()) {
            var t = training.get(b);
            var i = inference.get(b);
            if (t == null || i == null) continue;
            lines.add(String.format(Locale.ROOT,
                    "%-8s training products %.0f GFLOP/s (GEMM 2048^3 %.0f); forward batch 1 %.2f ms, batch 32 %.1f ms",
                    name(b), t.ffnGflops(), t.gemmGflops(), i.batch1Ms(), i.batch32Ms()));
        }
        return lines;
    }

    public void write(Path file) {
        var out = new StringBuilder();
        out.append("# headwise calibrate: the product paths measured fastest on this machine.\n");
        out.append("# Delete this file, or run `headwise calibrate`, to measure again.\n");
        out.append("training_blas=").append(name(trainingBlas)).append('\n');
        out.append("inference_blas=").append(name(inferenceBlas)).append('\n');
        out.append("packed_max_rows=").append(packedMaxRows).append('\n');
        for (Blas b : Blas.values()) {
            var t = training.get(b);
            var i = inference.get(b);
            if (t == null || i == null) continue;
            String p = name(b) + ".";
            out.append(p).append("packed_max_rows=").append(packedMaxRows(i.kernel())).append('\n');
            out.append(p).append("training_ffn_gflops=").append(t.ffnGflops()).append('\n');
            out.append(p).append("training_gemm_gflops=").append(t.gemmGflops()).append('\n');
            out.append(p).append("inference_batch1_ms=").append(i.batch1Ms()).append('\n');
            out.append(p).append("inference_batch32_ms=").append(i.batch32Ms()).append('\n');
            for (var k : i.kernel()) {
                out.append(p).append("rows_").append(k.rows()).append("_blas_us=").append(k.blasUs()).append('\n');
                out.append(p).append("rows_").append(k.rows()).append("_kernel_us=").append(k.kernelUs()).append('\n');
            }
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HeadwiseException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file's choice and figures; empty if it does not exist or does not parse (it is then measured again). */
    public static Optional<ProductPaths> read(Path file) {
        if (file == null || !Files.isRegularFile(file)) return Optional.empty();
        try {
            var p = new Properties();
            p.load(new StringReader(Files.readString(file)));
            var training = new EnumMap<Blas, ProductProbe.Training>(Blas.class);
            var inference = new EnumMap<Blas, ProductProbe.Inference>(Blas.class);
            for (Blas b : Blas.values()) {
                String k = name(b) + ".";
                if (p.getProperty(k + "training_ffn_gflops") == null) continue;
                training.put(b, new ProductProbe.Training(num(p, k + "training_ffn_gflops"), num(p, k + "training_gemm_gflops")));
                var points = new ArrayList<ProductProbe.KernelPoint>();
                for (int rows : ProductProbe.KERNEL_ROWS) {
                    if (p.getProperty(k + "rows_" + rows + "_blas_us") == null) continue;
                    points.add(new ProductProbe.KernelPoint(rows, num(p, k + "rows_" + rows + "_blas_us"),
                            num(p, k + "rows_" + rows + "_kernel_us")));
                }
                inference.put(b, new ProductProbe.Inference(num(p, k + "inference_batch1_ms"),
                        num(p, k + "inference_batch32_ms"), points));
            }
            return Optional.of(new ProductPaths(blas(p, "training_blas"), blas(p, "inference_blas"),
                    Integer.parseInt(p.getProperty("packed_max_rows").strip()), training, inference));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The file the launcher named for this machine ({@code -Dheadwise.calibration}), if any. */
    public static Optional<Path> machineFile() {
        String path = System.getProperty("headwise.calibration");
        return path == null || path.isBlank() ? Optional.empty() : Optional.of(Path.of(path));
    }

    static String name(Blas b) {
        return b.name().toLowerCase(Locale.ROOT);
    }

    private static Blas blas(Properties p, String key) {
        return Blas.valueOf(p.getProperty(key).strip().toUpperCase(Locale.ROOT));
    }

    private static double num(Properties p, String key) {
        return Double.parseDouble(p.getProperty(key).strip());
    }
}
