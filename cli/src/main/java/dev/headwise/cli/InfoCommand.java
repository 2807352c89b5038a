package dev.headwise.cli;

import dev.headwise.bench.ProductPaths;
import dev.headwise.model.ConfigJson;
import dev.headwise.model.Heads;
import dev.headwise.model.InferencePrecision;
import dev.headwise.model.ModelConfig;
import dev.headwise.model.TextClassifier;
import dev.headwise.ffm.gpu.GpuInfo;
import dev.headwise.ffm.kernels.Int8LinearKernel;
import dev.headwise.ffm.kernels.PackedLinearKernel;
import dev.headwise.ffm.gpu.GpuProbes;
import org.bytedeco.javacpp.Loader;
import dev.headwise.model.Blas;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code headwise info}: versions, natives, devices and (with --model) a model summary. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show library versions, the loaded natives, devices and, with --model, a model summary.")
final class InfoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "Summarise this model directory.")
    Path model;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.printf("headwise        %s%n", Version.headwise());
        out.printf("java            %s (%s)%n", System.getProperty("java.version"), System.getProperty("java.vm.name"));
        out.printf("libtorch        %s (JavaCPP presets %s)%n", Version.of(torch.class), Version.javacpp());
        Loader.load(torch.class);
        String natives = Loader.getLoadedLibraries().entrySet().stream().filter(e -> e.getKey().startsWith("torch_"))
                .map(e -> e.getKey() + " (" + Path.of(e.getValue()).getFileName() + ")").sorted()
                .collect(Collectors.joining(", "));
        out.printf("natives         %s; CUDA build: %s%n", natives,
                Loader.getLoadedLibraries().containsKey("torch_cuda") ? "yes" : "no (CPU only)");
        Blas blas = Blas.current();
        out.printf("blas            %s%n", blas.describe());
        out.printf("threads         %d intra-op, %d BLAS, OMP_WAIT_POLICY=%s%n", torch.get_num_threads(),
                blas.threads(), System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        out.printf("kernel          %s%n", PackedLinearKernel.get().map(k -> "packed linear, " + k.describe())
                .orElse("none for this CPU (no AVX2+FMA): every product on the BLAS"));
        productPaths().forEach(line -> out.printf("products        %s%n", line));
        out.printf("precision       %s%n", precisions());
        Blas.pinningWarning(System.getenv(), Blas.cpuFlags()).ifPresent(w -> out.printf("warning         %s%n", w));
        out.printf("cuda (libtorch) %s%n", torch.cuda_is_available()
                ? torch.cuda_device_count() + " device(s)" : "not available");
        var gpu = GpuProbes.detect();
        out.printf("gpu (driver)    %s%n", gpu.description());
        for (GpuInfo d : gpu.devices()) {
            out.printf("  cuda:%d        %s, compute %s, %.1f / %.1f GiB free%s%n", d.index(), d.name(), d.computeCapability(),
                    d.freeBytes() / 1073741824.0, d.totalBytes() / 1073741824.0,
                    d.utilizationPercent().isPresent() ? ", " + d.utilizationPercent().getAsInt() + "% busy" : "");
        }
        if (model != null) summarise(out, model);
        out.flush();
        return 0;
    }

    /** What {@code --precision int8} and {@code bf16} run on this CPU (docs/quantization.md). */
    static String precisions() {
        var int8 = InferencePrecision.INT8.onThisCpu();
        var bf16 = InferencePrecision.BF16.onThisCpu();
        return "fp32; int8" + (int8.running() == InferencePrecision.INT8
                ? " on the int8 kernel, " + Int8LinearKernel.get().orElseThrow().describe() : ": " + int8.note())
                + "; bf16" + (bf16.running() == InferencePrecision.BF16 ? " through libtorch (oneDNN)" : ": " + bf16.note());
    }

    /** What calibration chose for this machine and the figures behind it, or how to get them. */
    static List<String> productPaths() {
        var file = ProductPaths.machineFile();
        if (file.isEmpty()) return List.of("not calibrated (run through ./headwise to measure this machine)");
        String forced = System.getenv("HEADWISE_BLAS");
        var lines = new ArrayList<String>();
        if (forced != null && !forced.isBlank()) lines.add("HEADWISE_BLAS=" + forced + " forces the BLAS");
        ProductPaths.read(file.get()).ifPresentOrElse(p -> {
            lines.addAll(p.describe());
            lines.add("measured " + file.get() + " (delete it, or run `headwise calibrate`, to measure again)");
        }, () -> lines.add("not measured on this machine yet: the first train, predict, evaluate, encode or bench "
                + "does, or `headwise calibrate`"));
        return lines;
    }

    private static void summarise(java.io.PrintWriter out, Path dir) {
        var config = ConfigJson.read(dir.resolve("config.json"));
        ModelConfig m = config.model();
        Heads h = config.heads();
        long encoder = 0, embeddings = 0;
        for (var e : TextClassifier.parameterSizes(config).entrySet()) {
            if (!e.getKey().startsWith(m.architecture().basePrefix) || e.getKey().contains("pooler.")) continue;
            encoder += e.getValue();
            if (e.getKey().contains("embedding")) embeddings += e.getValue();
        }
        out.printf("model           %s: %d layers, hidden %d, %d heads, intermediate %d, vocab %d, max length %s%n",
                m.architecture().modelType, m.numLayers(), m.hiddenSize(), m.numAttentionHeads(), m.intermediateSize(),
                m.vocabSize(), m.maxLength() == Integer.MAX_VALUE ? "none (relative positions)" : m.maxLength());
        out.printf("parameters      %.2f M encoder (%.2f M in embeddings)%n", encoder / 1e6, embeddings / 1e6);
        var data = config.headwise().data();
        String source = data == null ? "" : data.labelColumn() != null ? " from column " + data.labelColumn()
                : data.labelColumns() != null ? " from columns " + String.join(", ", data.labelColumns()) : "";
        out.printf("task            %s%s%n", h.task().id(), source);
        for (Heads.Level l : h.levels()) {
            out.printf("%-16s%d: %s%n", h.levels().size() > 1 ? l.name() : "labels", l.size(), shown(l.labels()));
        }
    }

    /** The first labels by name, enough to recognise a model without flooding the screen. */
    private static String shown(java.util.List<String> labels) {
        int shown = Math.min(labels.size(), 20);
        return String.join(", ", labels.subList(0, shown)) + (shown < labels.size() ? ", and " + (labels.size() - shown) + " more" : "");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"headwise " + headwise()};
        }

        static String headwise() {
            return of(Version.class);
        }

        static String javacpp() {
            return of(Loader.class);
        }

        static String of(Class<?> c) {
            String v = c.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }
    }
}
