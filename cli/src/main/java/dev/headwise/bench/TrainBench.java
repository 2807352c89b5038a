package dev.headwise.bench;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.model.Blas;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.Heads;
import dev.headwise.model.Loss;
import dev.headwise.model.ModelConfig;
import dev.headwise.model.ModelInput;
import dev.headwise.model.Tensors;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TorchRuntime;
import dev.headwise.train.AdamW;
import dev.headwise.train.TrainingStep;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;

import java.util.Arrays;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training throughput on the CPU: full training steps (forward, backward, gradient clipping, AdamW) of a
 * freshly initialised multiclass classifier on random tokens, set against the fastest GEMM that any BLAS on
 * the class path reaches with the same threads.
 */
public final class TrainBench {
    /** Side of the square matrices of the roofline product. */
    public static final int ROOFLINE_N = 2048;
    private static final int ROOFLINE_SAMPLES_BEFORE = 3;
    private static final int LABELS = 4;

    private TrainBench() {}

    /**
     * @param model the name the shape was given by (for the report)
     * @param warmupSteps untimed steps first (allocator and thread pools warm up)
     * @param adamw the optimizer kernel
     */
    public record Settings(String model, int batch, int seq, int threads, int warmupSteps, int steps,
                           AdamW.Kernel adamw) {
        public Settings {
            if (adamw == null) adamw = AdamW.Kernel.FUSED;
            if (batch < 1) throw new HeadwiseException("--batch must be at least 1, got " + batch + ".");
            if (seq < 2) throw new HeadwiseException("--seq must be at least 2, got " + seq + ".");
            if (threads < 1) throw new HeadwiseException("--threads must be at least 1, got " + threads + ".");
            if (warmupSteps < 0) throw new HeadwiseException("--warmup must be >= 0, got " + warmupSteps + ".");
            if (steps < 1) throw new HeadwiseException("--steps must be at least 1, got " + steps + ".");
        }
    }

    /**
     * One run's figures. The roofline is the fastest 2048^3 product any BLAS reached: this process's samples,
     * taken before and between the steps, and {@code otherBlasGemmGflops}, each other BLAS on the class path
     * measured in its own process during the run; {@code rooflineBlas} names the one that reached it.
     * {@code modelGflops} and {@code mfu} use the fastest step, the least disturbed by other processes like
     * the roofline itself; {@code mfuMedian} and the throughputs use the median step.
     */
    public record Report(Settings settings, RunEnvironment environment, String flopFormula,
                         long nonEmbeddingParameters, double gflopPerStep, double rooflineGflops, String rooflineBlas,
                         double processGemmGflops, Map<String, Double> otherBlasGemmGflops,
                         double modelGflops, double mfu, double mfuMedian, double stepBestS, double stepMedianS,
                         double stepMeanS, double samplesPerS, double tokensPerS, double peakRssMb,
                         String hfPeer, Double hfStepBestS, Double hfStepMedianS, Double hfSamplesPerS,
                         Double hfSpeedup) {}

    /**
     * @param otherBlas measures the 2048^3 product on another BLAS, in another process (called once before the
     *                  steps and once after, for each BLAS this process did not load); none without a launcher
     * @param peer HF transformers training the same shape, a step after each of headwise's; null for none.
     *             Its figures are the {@code hf*} fields, {@code hfSpeedup} headwise's samples/s over its own
     *             (median steps)
     */
    public static Report run(ModelConfig config, Settings s, Function<Blas, OptionalDouble> otherBlas, PythonPeer peer) {
        if (s.seq() > config.maxLength()) {
            throw new HeadwiseException("--seq " + s.seq() + " exceeds the model's " + config.maxLength()
                    + " positions.");
        }
        new TorchRuntime(s.threads()).apply();
        TorchRuntime.seed(1);
        var device = new Device("cpu");
        Heads heads = Heads.single(Task.MULTICLASS, List.of("a", "b", "c", "d"));
        var model = TextClassifier.create(new ClassifierConfig(config, heads), device);
        var step = new TrainingStep(model, new Loss(heads, Loss.LossOptions.NONE),
                new AdamW(model.parameters(), AdamW.Options.defaults(), true, s.adamw()), 1.0);
        var batch = new ModelInput(
                Tensors.longs(RandomTokens.ids(7, s.batch(), s.seq(), config.vocabSize()), s.batch(), s.seq()),
                Tensors.longs(RandomTokens.fullMask(s.batch(), s.seq()), s.batch(), s.seq()),
                null,
                Tensors.longs(new SplittableRandom(8).longs(s.batch(), 0, LABELS).toArray(), s.batch()));

        var others = new TreeMap<String, Double>();
        measureOthers(otherBlas, others);
        for (int i = 0; i < s.warmupSteps(); i++) oneStep(step, batch);
        if (peer != null && s.warmupSteps() > 0) peer.round(s.warmupSteps(), s.batch());
        long[] nanos = new long[s.steps()];
        long[] peerNanos = new long[s.steps()];
        double processGemm;
        try (var gemm = new GemmRoofline(ROOFLINE_N)) {
            for (int i = 0; i < ROOFLINE_SAMPLES_BEFORE; i++) gemm.sample();
            for (int i = 0; i < nanos.length; i++) {
                long start = System.nanoTime();
                oneStep(step, batch);
                nanos[i] = System.nanoTime() - start;
                gemm.sample();
                if (peer != null) peerNanos[i] = peer.round(1, s.batch())[0];
            }
            processGemm = gemm.best();
        }
        measureOthers(otherBlas, others);
        String rooflineBlas = ProductPaths.name(Blas.current());
        double roofline = processGemm;
        for (var e : others.entrySet()) {
            if (e.getValue() > roofline) {
                roofline = e.getValue();
                rooflineBlas = e.getKey();
            }
        }

        long nonEmbedding = FlopCount.nonEmbeddingParameters(model);
        double flops = FlopCount.trainingStep(nonEmbedding, config, s.batch(), s.seq());
        double best = Arrays.stream(nanos).min().orElseThrow() / 1e9;
        double median = Median.of(Arrays.stream(nanos).asDoubleStream().toArray()) / 1e9;
        double mean = Arrays.stream(nanos).average().orElseThrow() / 1e9;
        double modelGflops = flops / best / 1e9;
        Double hfBest = null, hfMedian = null, hfRate = null, hfSpeedup = null;
        if (peer != null) {
            hfBest = Arrays.stream(peerNanos).min().orElseThrow() / 1e9;
            hfMedian = Median.of(Arrays.stream(peerNanos).asDoubleStream().toArray()) / 1e9;
            hfRate = s.batch() / hfMedian;
            hfSpeedup = hfMedian / median;
        }
        return new Report(s, RunEnvironment.current(null), FlopCount.FORMULA, nonEmbedding, flops / 1e9, roofline,
                rooflineBlas, processGemm, others, modelGflops, modelGflops / roofline, flops / median / 1e9 / roofline,
                best, median, mean, s.batch() / median, (double) s.batch() * s.seq() / median, PeakMemory.peakRssMb(),
                peer == null ? null : peer.describe(), hfBest, hfMedian, hfRate, hfSpeedup);
    }

    /** Each other BLAS's 2048^3 rate, the best of its samples so far. */
    private static void measureOthers(Function<Blas, OptionalDouble> otherBlas, Map<String, Double> into) {
        for (Blas b : Blas.values()) {
            if (b == Blas.current()) continue;
            otherBlas.apply(b).ifPresent(g -> into.merge(ProductPaths.name(b), g, Math::max));
        }
    }

    private static void oneStep(TrainingStep step, ModelInput batch) {
        try (var scope = new PointerScope()) {
            step.accumulate(batch, 1.0);
            step.update(1e-5);
        }
    }
}
