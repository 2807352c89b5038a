package dev.headwise.cli;

import dev.headwise.HeadwiseException;
import dev.headwise.bench.BenchJson;
import dev.headwise.bench.FlopCount;
import dev.headwise.bench.InferBench;
import dev.headwise.bench.LoadBench;
import dev.headwise.bench.ModelShapes;
import dev.headwise.bench.OrtQuantizer;
import dev.headwise.bench.ProductProbe;
import dev.headwise.bench.PythonPeer;
import dev.headwise.model.ConfigJson;
import dev.headwise.bench.TrainBench;
import dev.headwise.io.AtomicFiles;
import dev.headwise.Task;
import dev.headwise.model.Blas;
import dev.headwise.model.Devices;
import dev.headwise.model.Heads;
import dev.headwise.model.Import;
import dev.headwise.model.InferencePrecision;
import dev.headwise.model.ModelFiles;
import dev.headwise.train.AdamW;
import dev.headwise.weights.onnx.BundledModel;
import dev.headwise.weights.onnx.BundledModels;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/** {@code headwise bench}: quick CPU throughput figures from one process, optionally as JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure training and inference throughput, and cold start, on this machine (see docs/performance.md).",
        subcommands = {BenchCommand.Train.class, BenchCommand.Infer.class, BenchCommand.Load.class})
final class BenchCommand {

    /** {@code --json FILE}, which every benchmark has. */
    static final class JsonOutput {
        @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
        Path json;

        void writeJson(Object report, PrintWriter out) {
            if (json == null) return;
            BenchJson.write(report, json);
            out.printf("json              %s%n", json);
        }
    }

    /** Options the in-process benchmarks share. */
    static final class Shared {
        @Option(names = "--peer-python", paramLabel = "CMD",
                description = "Also run HF transformers (benchmarks/python/hf_peer.py) through this Python, in rounds "
                        + "alternating with headwise's, e.g. ../shared/hfref/python.")
        String peerPython;

        @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads for libtorch and ONNX Runtime (default: all cores).")
        Integer threads;

        @CommandLine.Mixin
        JsonOutput output;

        int threads() {
            return threads != null ? threads : Runtime.getRuntime().availableProcessors();
        }

        /** The HF peer for {@code args}, or null without --peer-python. */
        PythonPeer peer(List<String> args) {
            if (peerPython == null) return null;
            var all = new java.util.ArrayList<>(args);
            all.addAll(List.of("--threads", String.valueOf(threads())));
            return new PythonPeer(peerPython, script("hf_peer.py"), all);
        }

        /** A script of benchmarks/python beside the launcher that started this process, else under the working directory. */
        static Path script(String name) {
            Path home = CalibrateCommand.launcher().map(l -> Path.of(l).toAbsolutePath().getParent()).orElse(Path.of(""));
            return home.resolve("benchmarks/python").resolve(name);
        }

        void writeJson(Object report, PrintWriter out) {
            output.writeJson(report, out);
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Training steps (forward, backward, AdamW) of a fresh classifier on random tokens, "
                    + "against the GEMM roofline of the same process.")
    static final class Train implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", defaultValue = "distilbert-base", paramLabel = "distilbert-base|minilm|DIR",
                description = "Encoder shape (default: ${DEFAULT-VALUE}); a DIR takes its config.json, weights are random.")
        String model;

        @Option(names = "--batch", defaultValue = "16", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--seq", defaultValue = "128", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
        int seq;

        @Option(names = "--steps", defaultValue = "4", description = "Timed steps (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--warmup", defaultValue = "1", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--adamw", defaultValue = "FUSED", paramLabel = "PLAIN|FUSED",
                description = "AdamW kernel: elementwise ops or ATen's fused kernel (default: ${DEFAULT-VALUE}).")
        AdamW.Kernel adamw;

        @CommandLine.Mixin
        Shared shared;

        @Override
        public Integer call() throws java.io.IOException {
            var settings = new TrainBench.Settings(model, batch, seq, shared.threads(), warmup, steps, adamw);
            var shape = ModelShapes.resolve(model);
            TrainBench.Report r;
            Path dir = Files.createTempDirectory("headwise-bench-");
            try {
                ConfigJson.writeEncoder(shape, dir.resolve("config.json"));
                try (var peer = shared.peer(List.of("train", "--config", dir.toString(), "--batch", String.valueOf(batch),
                        "--seq", String.valueOf(seq)))) {
                    r = TrainBench.run(shape, settings, blas -> CalibrateCommand.launcher()
                            .map(l -> CalibrateCommand.probe(l, blas, "train", shared.threads(),
                                    ProductProbe.Training.class).gemmGflops())
                            .map(java.util.OptionalDouble::of).orElse(java.util.OptionalDouble.empty()), peer);
                }
            } finally {
                AtomicFiles.deleteTree(dir);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("model             %s, batch %d x seq %d, %d thread(s) (BLAS %d), OMP_WAIT_POLICY=%s, AdamW %s%n",
                    model, batch, seq, r.environment().threads(), r.environment().blasThreads(),
                    r.environment().ompWaitPolicy(), adamw);
            out.printf("blas              %s%n", r.environment().blas());
            warnIfPinned(out);
            if (!r.environment().nativeEnv().isEmpty()) {
                var nativeSettings = new StringJoiner(" ");
                r.environment().nativeEnv().forEach((name, value) -> nativeSettings.add(name + "=" + value));
                out.printf("native settings   %s%n", nativeSettings);
            }
            var others = new StringJoiner(", ");
            r.otherBlasGemmGflops().forEach((name, g) -> others.add(String.format("%s %.1f", name, g)));
            out.printf("roofline          %.1f GFLOP/s on %s (fp32 matmul %d^3, best sample; this process %.1f%s)%n",
                    r.rooflineGflops(), r.rooflineBlas(), TrainBench.ROOFLINE_N, r.processGemmGflops(),
                    others.length() == 0 ? "" : "; in their own processes: " + others);
            out.printf("flops             %s = %.1f GFLOP/step (%,d non-embedding params)%n", FlopCount.FORMULA,
                    r.gflopPerStep(), r.nonEmbeddingParameters());
            out.printf("step              best %.3f s, median %.3f s, mean %.3f s over %d steps%n", r.stepBestS(),
                    r.stepMedianS(), r.stepMeanS(), steps);
            out.printf("model flops       %.1f GFLOP/s = %.2f of roofline (MFU, best step; %.2f at the median)%n",
                    r.modelGflops(), r.mfu(), r.mfuMedian());
            out.printf("throughput        %.2f samples/s, %.0f tokens/s%n", r.samplesPerS(), r.tokensPerS());
            if (r.hfPeer() != null) {
                out.printf("hf peer           %s%n", r.hfPeer());
                out.printf("hf step           best %.3f s, median %.3f s, %.2f samples/s; headwise %.2fx HF's samples/s%n",
                        r.hfStepBestS(), r.hfStepMedianS(), r.hfSamplesPerS(), r.hfSpeedup());
            }
            out.printf("peak rss          %.0f MiB%n", r.peakRssMb());
            shared.writeJson(r, out);
            out.flush();
            return 0;
        }
    }

    @Command(name = "infer", mixinStandardHelpOptions = true,
            description = "Batch-1 latency and batch throughput of headwise against ONNX Runtime on the same "
                    + "bundled ONNX model and token ids.")
    static final class Infer implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", defaultValue = "minilm", paramLabel = "minilm",
                description = "Bundled model to compare (default: ${DEFAULT-VALUE}, i.e. all-minilm-l6-v2).")
        String model;

        @Option(names = "--seq", defaultValue = "64", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
        int seq;

        @Option(names = "--batch", defaultValue = "32", description = "Batch size for throughput (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--iterations", defaultValue = "200", description = "Timed batch-1 calls per engine (default: ${DEFAULT-VALUE}).")
        int iterations;

        @Option(names = "--batch-iterations", defaultValue = "20", paramLabel = "N",
                description = "Timed batch calls per engine (default: ${DEFAULT-VALUE}).")
        int batchIterations;

        @Option(names = "--grad-mode", defaultValue = "INFERENCE_MODE", paramLabel = "INFERENCE_MODE|NO_GRAD",
                description = "How headwise turns autograd off (default: ${DEFAULT-VALUE}).")
        InferBench.GradMode gradMode;

        @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|int8|bf16",
                description = "headwise's products (docs/quantization.md); with int8 ONNX Runtime runs the model "
                        + "quantized by quantize_dynamic (benchmarks/python/ort_quantize.py) (default: ${DEFAULT-VALUE}).")
        String precision;

        @Option(names = "--ort-python", paramLabel = "CMD",
                description = "Python with onnxruntime that makes ONNX Runtime's int8 model for --precision int8 "
                        + "(default: --peer-python), e.g. ../shared/hfref/python.")
        String ortPython;

        @CommandLine.Mixin
        Shared shared;

        @Override
        public Integer call() throws Exception {
            BundledModel bundled = BundledModels.byName(model.equalsIgnoreCase("minilm") ? "all-minilm-l6-v2" : model);
            var settings = new InferBench.Settings(bundled.name(), seq, batch, shared.threads(), iterations,
                    batchIterations, gradMode, InferencePrecision.parse(precision));
            String quantizer = ortPython != null ? ortPython : shared.peerPython;
            if (settings.precision() == InferencePrecision.INT8 && quantizer == null) {
                throw new HeadwiseException("bench infer --precision int8 runs ONNX Runtime on the model quantized by "
                        + "quantize_dynamic, which needs a Python with onnxruntime: add --ort-python, e.g. "
                        + "--ort-python ../shared/hfref/python.");
            }
            Path dir = Files.createTempDirectory("headwise-bench-");
            InferBench.Report r;
            try {
                Import.bundled(bundled, dir.resolve("model"), false);
                byte[] onnx = bundled.readOnnx();
                String ortModel = "the bundled ONNX export (fp32)";
                if (settings.precision() == InferencePrecision.INT8) {
                    var q = OrtQuantizer.quantize(quantizer, Shared.script("ort_quantize.py"), onnx, dir);
                    onnx = q.onnx();
                    ortModel = "the bundled export through quantize_dynamic (QInt8 weights, per tensor) " + q.report();
                }
                try (var peer = shared.peer(List.of("infer", "--model", dir.resolve("model").toString(),
                        "--batch", String.valueOf(batch), "--seq", String.valueOf(seq)))) {
                    r = InferBench.run(dir.resolve("model"), onnx, ortModel, settings, peer);
                }
            } finally {
                AtomicFiles.deleteTree(dir);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("model             %s, seq %d, %d thread(s) (BLAS %d), OMP_WAIT_POLICY=%s, ONNX Runtime %s, %s%n",
                    bundled.name(), seq, r.environment().threads(), r.environment().blasThreads(),
                    r.environment().ompWaitPolicy(),
                    r.environment().onnxruntime(), gradMode);
            out.printf("blas              %s%n", r.environment().blas());
            warnIfPinned(out);
            out.printf("precision         headwise %s%s; ORT: %s%n", r.precision().running().name().toLowerCase(java.util.Locale.ROOT),
                    r.int8Kernel() != null ? " (int8 kernel " + r.int8Kernel() + ")" : "",  r.ortModel());
            if (r.precision().note() != null) out.printf("note              --precision %s: %s%n", precision, r.precision().note());
            if (r.hfPeer() != null) out.printf("hf peer           %s (fp32)%n", r.hfPeer());
            out.printf("batch 1 headwise  p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f ms%n", r.headwiseP50Ms(),
                    r.headwiseP90Ms(), r.headwiseP99Ms(), r.headwiseP999Ms());
            out.printf("batch 1 ORT       p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f ms%n", r.ortP50Ms(), r.ortP90Ms(),
                    r.ortP99Ms(), r.ortP999Ms());
            if (r.hfPeer() != null) {
                out.printf("batch 1 HF        p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f ms%n", r.hfP50Ms(), r.hfP90Ms(),
                        r.hfP99Ms(), r.hfP999Ms());
            }
            out.printf("ratios            p50 %.2f, p99 %.2f (headwise / ORT; below 1 is faster)%s%n", r.p50Ratio(),
                    r.p99Ratio(), r.hfPeer() == null ? "" : String.format("; p50 %.2f headwise / HF", r.hfP50Ratio()));
            out.printf("batch %-3d         headwise %.1f seq/s, ORT %.1f seq/s, ratio %.2f%s%n", batch,
                    r.headwiseBatchThroughput(), r.ortBatchThroughput(), r.throughputRatio(), r.hfPeer() == null ? ""
                            : String.format("; HF %.1f seq/s, ratio %.2f", r.hfBatchThroughput(), r.hfThroughputRatio()));
            if (r.fp32BatchThroughput() != null) {
                out.printf("headwise fp32     batch 1 p50 %.2f  p99 %.2f ms; batch %d %.1f seq/s; %s %.2fx fp32's throughput%n",
                        r.fp32P50Ms(), r.fp32P99Ms(), batch, r.fp32BatchThroughput(),
                        r.precision().running().name().toLowerCase(java.util.Locale.ROOT), r.fp32ThroughputRatio());
            }
            out.printf("peak rss          %.0f MiB%n", r.peakRssMb());
            shared.writeJson(r, out);
            out.flush();
            return 0;
        }
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Cold start as a service sees it: fresh JVMs each load a saved classifier and answer one "
                    + "prediction; with and without the launcher's JVM cache when it has one.")
    static final class Load implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--model", defaultValue = "minilm", paramLabel = "minilm|DIR",
                description = "A saved classifier, or minilm: the bundled all-MiniLM-L6-v2 with a fresh binary head "
                        + "(default: ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--runs", defaultValue = "5", paramLabel = "N",
                description = "Fresh JVMs per kind (default: ${DEFAULT-VALUE}).")
        int runs;

        @CommandLine.Mixin
        JsonOutput output;

        @Override
        public Integer call() throws Exception {
            var settings = new LoadBench.Settings(model, runs);
            LoadBench.Report r;
            if (model.equalsIgnoreCase("minilm")) {
                Path dir = Files.createTempDirectory("headwise-bench-");
                try {
                    r = LoadBench.run(savedMiniLm(dir), settings);
                } finally {
                    AtomicFiles.deleteTree(dir);
                }
            } else {
                r = LoadBench.run(Path.of(model), settings);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("model             %s, %d fresh JVM(s) per kind%n", model, runs);
            out.printf("(medians, ms)     jvm start    load  first prediction  load + first (range)%n");
            if (r.aot() != null) print(out, "with jvm cache", r.aot());
            print(out, "without cache", r.plain());
            if (r.aotRatio() != null) out.printf("cache ratio       %.2f (load + first prediction, with / without)%n", r.aotRatio());
            output.writeJson(r, out);
            out.flush();
            return 0;
        }

        private static void print(PrintWriter out, String kind, LoadBench.Mode m) {
            out.printf("%-17s %9.0f %7.0f %17.0f %13.0f (%.0f-%.0f)%n", kind, m.jvmStartMs(), m.loadMs(),
                    m.firstPredictionMs(), m.loadAndFirstMs(), m.loadAndFirstMinMs(), m.loadAndFirstMaxMs());
        }

        /** The bundled MiniLM encoder with a fresh binary head, saved as a classifier under {@code dir}. */
        private static Path savedMiniLm(Path dir) throws java.io.IOException {
            BundledModel bundled = BundledModels.ALL_MINILM_L6_V2;
            Path encoder = dir.resolve("encoder");
            Path classifier = dir.resolve("classifier");
            Import.bundled(bundled, encoder, false);
            var heads = Heads.single(Task.BINARY, List.of("ham", "spam"));
            ModelFiles.save(ModelFiles.fromPretrained(encoder, heads, Devices.parse("cpu")).model(), classifier);
            try {
                Files.copy(encoder.resolve("tokenizer.json"), classifier.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            } catch (java.io.IOException e) {
                throw new HeadwiseException("cannot copy the tokenizer into " + classifier + ": " + e.getMessage(), e);
            }
            return classifier;
        }
    }

    /** The environment's OpenBLAS pinning, which slows the peers and any OpenBLAS run alike, said up front. */
    private static void warnIfPinned(PrintWriter out) {
        Blas.pinningWarning(System.getenv(), Blas.cpuFlags()).ifPresent(w -> out.printf("warning           %s%n", w));
    }
}
