package dev.headwise.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.model.Devices;
import dev.headwise.model.Heads;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.TextClassifier;
import org.bytedeco.pytorch.Device;

import java.nio.file.Path;
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
                           GradMode gradMode) {
        public Settings {
            if (seq < 2) throw new HeadwiseException("--seq must be at least 2, got " + seq + ".");
            if (batch < 1) throw new HeadwiseException("--batch must be at least 1, got " + batch + ".");
            if (threads < 1) throw new HeadwiseException("--threads must be at least 1, got " + threads + ".");
            if (iterations < 1) throw new HeadwiseException("--iterations must be at least 1, got " + iterations + ".");
            if (batchIterations < 1) {
                throw new HeadwiseException("--batch-iterations must be at least 1, got " + batchIterations + ".");
            }
            if (gradMode == null) gradMode = GradMode.INFERENCE_MODE;
        }
    }

    /** Latencies at batch 1, throughputs in sequences per second at the settings' batch; ratios are headwise/ORT. */
    public record Report(Settings settings, RunEnvironment environment,
                         double headwiseP50Ms, double headwiseP90Ms, double headwiseP99Ms,
                         double ortP50Ms, double ortP90Ms, double ortP99Ms, double p50Ratio,
                         double headwiseBatchThroughput, double ortBatchThroughput, double throughputRatio,
                         double peakRssMb) {}

    /**
     * @param modelDir an imported encoder directory (config.json and safetensors) of the same network as {@code onnx}
     * @param onnx the ONNX export, with inputs input_ids, attention_mask and (optionally) token_type_ids
     */
    public static Report run(Path modelDir, byte[] onnx, Settings s) throws OrtException {
        Devices.setThreads(s.threads());
        var env = OrtEnvironment.getEnvironment();
        Heads heads = Heads.single(Task.MULTICLASS, List.of("a", "b"));
        TextClassifier model = ModelFiles.fromPretrained(modelDir, heads, new Device("cpu")).model();
        if (s.seq() > model.config().model().maxPositions()) {
            throw new HeadwiseException("--seq " + s.seq() + " exceeds the model's "
                    + model.config().model().maxPositions() + " positions.");
        }
        int vocab = model.config().model().vocabSize();
        long[] single = RandomTokens.ids(11, 1, s.seq(), vocab);
        long[] batched = RandomTokens.ids(12, s.batch(), s.seq(), vocab);
        try (var session = OrtCall.session(env, onnx, s.threads());
             var ort1 = new OrtCall(env, session, single, 1, s.seq());
             var ortN = new OrtCall(env, session, batched, s.batch(), s.seq());
             var ours1 = new HeadwiseCall(model, single, 1, s.seq(), s.gradMode());
             var oursN = new HeadwiseCall(model, batched, s.batch(), s.seq(), s.gradMode())) {
            long[][] latency = alternate(ours1, ort1, s.iterations());
            long[][] throughput = alternate(oursN, ortN, s.batchIterations());
            Latency ours = Latency.of(latency[0]);
            Latency theirs = Latency.of(latency[1]);
            double oursRate = s.batch() / (Latency.of(throughput[0]).p50Ms() / 1e3);
            double theirRate = s.batch() / (Latency.of(throughput[1]).p50Ms() / 1e3);
            return new Report(s, RunEnvironment.current(env.getVersion()),
                    ours.p50Ms(), ours.p90Ms(), ours.p99Ms(), theirs.p50Ms(), theirs.p90Ms(), theirs.p99Ms(),
                    ours.p50Ms() / theirs.p50Ms(), oursRate, theirRate, oursRate / theirRate,
                    PeakMemory.peakRssMb());
        }
    }

    /** Durations of {@code n} calls of each side, [0] for {@code a} and [1] for {@code b}, taken in alternating rounds. */
    private static long[][] alternate(EngineCall a, EngineCall b, int n) throws OrtException {
        for (int i = 0; i < WARMUP; i++) {
            a.call();
            b.call();
        }
        long[][] nanos = new long[2][n];
        EngineCall[] sides = {a, b};
        for (int done = 0; done < n; done += ROUND) {
            int end = Math.min(n, done + ROUND);
            for (int k = 0; k < 2; k++) {
                settle();
                for (int i = done; i < end; i++) {
                    long start = System.nanoTime();
                    sides[k].call();
                    nanos[k][i] = System.nanoTime() - start;
                }
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
