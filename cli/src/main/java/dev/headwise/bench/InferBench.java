package dev.headwise.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.model.Heads;
import dev.headwise.model.InferencePrecision;
import dev.headwise.model.LinearBackend;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TorchRuntime;
import dev.headwise.ffm.kernels.Int8LinearKernel;
import org.bytedeco.pytorch.Device;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU inference: headwise (an imported encoder plus a classification head) against ONNX Runtime running the
 * original ONNX export, on the same pre-built token ids with the same intra-op threads. Calls alternate
 * between the two in small rounds so that load from other processes hits both alike.
 */
public final class InferBench {
    private static final int ROUND = 10;
    private static final int WARMUP = 5;
    private static final int SETTLE_MS = 20;

    private InferBench() {}

    /** How headwise switches autograd off around a forward pass. */
    public enum GradMode {
        /** {@code c10::InferenceMode}: no autograd bookkeeping, no version counters (what {@code Classifier} uses). */
        INFERENCE_MODE,
        /** {@code torch::NoGradGuard}: no graph recorded, but tensors keep version counters. */
        NO_GRAD
    }

    /**
     * @param iterations timed batch-1 calls per side
     * @param batchIterations timed calls per side at {@code batch}
     */
    public record Settings(String model, int seq, int batch, int threads, int iterations, int batchIterations,
                           GradMode gradMode, InferencePrecision precision) {
        public Settings(String model, int seq, int batch, int threads, int iterations, int batchIterations,
                        GradMode gradMode) {
            this(model, seq, batch, threads, iterations, batchIterations, gradMode, InferencePrecision.FP32);
        }

        public Settings {
            if (seq < 2) throw new HeadwiseException("--seq must be at least 2, got " + seq + ".");
            if (batch < 1) throw new HeadwiseException("--batch must be at least 1, got " + batch + ".");
            if (threads < 1) throw new HeadwiseException("--threads must be at least 1, got " + threads + ".");
            if (iterations < 1) throw new HeadwiseException("--iterations must be at least 1, got " + iterations + ".");
            if (batchIterations < 1) {
                throw new HeadwiseException("--batch-iterations must be at least 1, got " + batchIterations + ".");
            }
            if (gradMode == null) gradMode = GradMode.INFERENCE_MODE;
            if (precision == null) precision = InferencePrecision.FP32;
        }
    }

    /**
     * Latencies at batch 1, throughputs in sequences per second at the settings' batch; ratios are headwise
     * over the peer. The {@code hf*} fields are HF transformers' figures when a Python peer took part, else null.
     * {@code precision} is what headwise ran (with the reason where it is not the one asked for), {@code int8Kernel}
     * the int8 kernel's variant when int8 ran, {@code ortModel} what ONNX Runtime ran. The {@code fp32*} fields are
     * headwise's own fp32 products on the same weights, another side of every round, when another precision ran
     * (ratio: that precision's throughput over fp32's); else null.
     */
    public record Report(Settings settings, RunEnvironment environment, InferencePrecision.Choice precision,
                         String int8Kernel, String ortModel,
                         double headwiseP50Ms, double headwiseP90Ms, double headwiseP99Ms, double headwiseP999Ms,
                         double ortP50Ms, double ortP90Ms, double ortP99Ms, double ortP999Ms, double p50Ratio,
                         double p99Ratio, double headwiseBatchThroughput, double ortBatchThroughput,
                         double throughputRatio, double peakRssMb,
                         String hfPeer, Double hfP50Ms, Double hfP90Ms, Double hfP99Ms, Double hfP999Ms,
                         Double hfP50Ratio, Double hfBatchThroughput, Double hfThroughputRatio,
                         Double fp32P50Ms, Double fp32P99Ms, Double fp32BatchThroughput, Double fp32ThroughputRatio) {}

    /**
     * @param modelDir an imported encoder directory (config.json and safetensors) of the same network as {@code onnx}
     * @param onnx the ONNX model ONNX Runtime runs (the export, or its int8 form for an int8 run), with inputs
     *             input_ids, attention_mask and (optionally) token_type_ids
     * @param ortModel what {@code onnx} is, for the report
     * @param peer HF transformers on the same encoder (with a fresh head), a third side in every round; null for none
     */
    public static Report run(Path modelDir, byte[] onnx, String ortModel, Settings s, PythonPeer peer) throws OrtException {
        new TorchRuntime(s.threads()).apply();
        var env = OrtEnvironment.getEnvironment();
        Heads heads = Heads.single(Task.MULTICLASS, List.of("a", "b"));
        TextClassifier model = ModelFiles.fromPretrained(modelDir, heads, new Device("cpu")).model();
        InferencePrecision.Choice precision = s.precision().onThisCpu();
        model.useLinearBackend(LinearBackend.forInference(precision.running()));
        String int8Kernel = precision.running() == InferencePrecision.INT8
                ? Int8LinearKernel.get().orElseThrow().describe() : null;
        TextClassifier fp32 = precision.running() == InferencePrecision.FP32 ? null
                : ModelFiles.fromPretrained(modelDir, heads, new Device("cpu")).model();
        if (fp32 != null) fp32.useLinearBackend(LinearBackend.forInference(InferencePrecision.FP32));
        if (s.seq() > model.config().model().maxLength()) {
            throw new HeadwiseException("--seq " + s.seq() + " exceeds the model's "
                    + model.config().model().maxLength() + " positions.");
        }
        int vocab = model.config().model().vocabSize();
        long[] single = RandomTokens.ids(11, 1, s.seq(), vocab);
        long[] batched = RandomTokens.ids(12, s.batch(), s.seq(), vocab);
        try (var session = OrtCall.session(env, onnx, s.threads());
             var ort1 = new OrtCall(env, session, single, 1, s.seq());
             var ortN = new OrtCall(env, session, batched, s.batch(), s.seq());
             var ours1 = new HeadwiseCall(model, single, 1, s.seq(), s.gradMode());
             var oursN = new HeadwiseCall(model, batched, s.batch(), s.seq(), s.gradMode());
             var fp32One = fp32 == null ? null : new HeadwiseCall(fp32, single, 1, s.seq(), s.gradMode());
             var fp32N = fp32 == null ? null : new HeadwiseCall(fp32, batched, s.batch(), s.seq(), s.gradMode())) {
            var latencySides = new ArrayList<>(List.of(Side.of(ours1), Side.of(ort1)));
            var throughputSides = new ArrayList<>(List.of(Side.of(oursN), Side.of(ortN)));
            if (peer != null) {
                latencySides.add(n -> peer.round(n, 1));
                throughputSides.add(n -> peer.round(n, s.batch()));
            }
            int fp32Side = latencySides.size();
            if (fp32 != null) {
                latencySides.add(Side.of(fp32One));
                throughputSides.add(Side.of(fp32N));
            }
            long[][] latency = alternate(latencySides, s.iterations());
            long[][] throughput = alternate(throughputSides, s.batchIterations());
            Latency ours = Latency.of(latency[0]);
            Latency theirs = Latency.of(latency[1]);
            double oursRate = rate(s, throughput[0]);
            double theirRate = rate(s, throughput[1]);
            Latency hf = peer == null ? null : Latency.of(latency[2]);
            Double hfRate = peer == null ? null : rate(s, throughput[2]);
            Latency f = fp32 == null ? null : Latency.of(latency[fp32Side]);
            Double fRate = fp32 == null ? null : rate(s, throughput[fp32Side]);
            return new Report(s, RunEnvironment.current(env.getVersion()), precision, int8Kernel, ortModel,
                    ours.p50Ms(), ours.p90Ms(), ours.p99Ms(), ours.p999Ms(),
                    theirs.p50Ms(), theirs.p90Ms(), theirs.p99Ms(), theirs.p999Ms(),
                    ours.p50Ms() / theirs.p50Ms(), ours.p99Ms() / theirs.p99Ms(), oursRate, theirRate,
                    oursRate / theirRate, PeakMemory.peakRssMb(),
                    peer == null ? null : peer.describe(),
                    hf == null ? null : hf.p50Ms(), hf == null ? null : hf.p90Ms(), hf == null ? null : hf.p99Ms(),
                    hf == null ? null : hf.p999Ms(), hf == null ? null : ours.p50Ms() / hf.p50Ms(),
                    hfRate, hfRate == null ? null : oursRate / hfRate,
                    f == null ? null : f.p50Ms(), f == null ? null : f.p99Ms(), fRate, fRate == null ? null : oursRate / fRate);
        }
    }

    private static double rate(Settings s, long[] nanos) {
        return s.batch() / (Latency.of(nanos).p50Ms() / 1e3);
    }

    /** One engine in the comparison: {@code n} timed calls, their durations in nanoseconds. */
    private interface Side {
        long[] round(int n) throws OrtException;

        /** A call made in this process, timed here. */
        static Side of(EngineCall call) {
            return n -> {
                long[] nanos = new long[n];
                for (int i = 0; i < n; i++) {
                    long start = System.nanoTime();
                    call.call();
                    nanos[i] = System.nanoTime() - start;
                }
                return nanos;
            };
        }
    }

    /** Durations of {@code n} calls of each side, in rounds that take the sides in turn, after an untimed warm-up. */
    private static long[][] alternate(List<Side> sides, int n) throws OrtException {
        for (Side side : sides) side.round(WARMUP);
        long[][] nanos = new long[sides.size()][n];
        for (int done = 0; done < n; done += ROUND) {
            int size = Math.min(ROUND, n - done);
            for (int k = 0; k < sides.size(); k++) {
                settle();
                System.arraycopy(sides.get(k).round(size), 0, nanos[k], done, size);
            }
        }
        return nanos;
    }

    /**
     * A pause before each round, untimed: both engines' thread pools spin for a while after a call (ONNX
     * Runtime's by default, libgomp's under the default wait policy), and on a small machine a pool still
     * spinning from the other engine's round would take cores from this one's first calls.
     */
    private static void settle() {
        try {
            Thread.sleep(SETTLE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
