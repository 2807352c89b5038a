package dev.headwise.bench;

import dev.headwise.Task;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.Devices;
import dev.headwise.model.Heads;
import dev.headwise.model.InferencePrecision;
import dev.headwise.model.LinearBackend;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TorchRuntime;
import dev.headwise.ffm.kernels.PackedLinearKernel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How fast this process's product paths run on the shapes headwise's workloads produce: what
 * {@code headwise calibrate} compares between BLAS libraries, each measured in its own process because a
 * process loads one. Each figure is the best of a few repetitions, so that a busy machine slows them less.
 */
public final class ProductProbe {
    /** Rows of a training step's products: batch 16 x 128 tokens. */
    static final int TRAINING_ROWS = 2048;
    /** Row counts at which the packed kernel is timed against the BLAS. */
    static final int[] KERNEL_ROWS = {64, 128, 256, 512, 1024, 2048};
    private static final int SEQ = 64;
    private static final int BATCH = 32;

    private ProductProbe() {}

    /**
     * A training-class probe: a DistilBERT-base feed-forward's products at {@link #TRAINING_ROWS} rows
     * (forward, input gradient, weight gradient), and the square 2048^3 product the roofline uses.
     */
    public record Training(double ffnGflops, double gemmGflops) {
        /** The faster of two probes, figure by figure. */
        public Training best(Training other) {
            return new Training(Math.max(ffnGflops, other.ffnGflops), Math.max(gemmGflops, other.gemmGflops));
        }
    }

    /**
     * An inference-class probe on a MiniLM-shaped classifier with random weights, 64 tokens a text:
     * whole forwards at batch 1 and {@value #BATCH} (the packed kernel taking the few-row products, as in a
     * service), and the six products of a layer at each of {@link #KERNEL_ROWS} through the BLAS and the kernel.
     */
    public record Inference(double batch1Ms, double batch32Ms, List<KernelPoint> kernel) {
        /** The faster of two probes, figure by figure (kernel points matched by row count). */
        public Inference best(Inference other) {
            var points = new ArrayList<KernelPoint>();
            for (KernelPoint p : kernel) {
                KernelPoint q = other.kernel.stream().filter(o -> o.rows() == p.rows()).findFirst().orElse(p);
                points.add(new KernelPoint(p.rows(), Math.min(p.blasUs(), q.blasUs()),
                        Double.isNaN(p.kernelUs()) ? q.kernelUs() : Math.min(p.kernelUs(), q.kernelUs())));
            }
            return new Inference(Math.min(batch1Ms, other.batch1Ms), Math.min(batch32Ms, other.batch32Ms), points);
        }
    }

    /** A layer's six products at {@code rows} rows; {@code kernelUs} is NaN where this CPU has no packed kernel. */
    public record KernelPoint(int rows, double blasUs, double kernelUs) {}

    public static Training training(int threads) {
        new TorchRuntime(threads).apply();
        try (var guard = new InferenceMode(); var scope = new PointerScope()) {
            Tensor x = torch.randn(TRAINING_ROWS, 768);
            Tensor w = torch.randn(3072, 768);
            Tensor dy = torch.randn(TRAINING_ROWS, 3072);
            Tensor b = torch.zeros(3072);
            double flops = 3 * 2.0 * TRAINING_ROWS * 768 * 3072;
            double ffn = best(3, () -> {
                try (var s = new PointerScope()) {
                    torch.linear(x, w, new TensorOptional(b));   // (rows, 3072)
                    torch.mm(dy, w);                             // dX (rows, 768)
                    torch.mm(dy.t(), x);                         // dW (3072, 768)
                }
            });
            Tensor a = torch.randn(2048, 2048);
            Tensor c = torch.randn(2048, 2048);
            double gemm = best(3, () -> {
                try (var s = new PointerScope()) {
                    torch.matmul(a, c);
                }
            });
            return new Training(flops / ffn / 1e9, 2.0 * 2048 * 2048 * 2048 / gemm / 1e9);
        }
    }

    public static Inference inference(int threads) {
        new TorchRuntime(threads).apply();
        TorchRuntime.seed(3);
        var config = new ClassifierConfig(ModelShapes.minilm(), Heads.single(Task.MULTICLASS, List.of("a", "b")));
        TextClassifier model = TextClassifier.create(config, Devices.parse("cpu"));
        model.useLinearBackend(LinearBackend.forInference(InferencePrecision.FP32));  // as Classifier.load does
        int vocab = config.model().vocabSize();
        double batch1;
        double batch32;
        try (var one = new HeadwiseCall(model, RandomTokens.ids(1, 1, SEQ, vocab), 1, SEQ, InferBench.GradMode.INFERENCE_MODE);
             var many = new HeadwiseCall(model, RandomTokens.ids(2, BATCH, SEQ, vocab), BATCH, SEQ,
                     InferBench.GradMode.INFERENCE_MODE)) {
            for (int i = 0; i < 5; i++) one.call();
            batch1 = best(30, one::call) * 1e3;
            many.call();
            batch32 = best(4, many::call) * 1e3;
        }
        return new Inference(batch1, batch32, kernelPoints(threads));
    }

    /** MiniLM's q, k, v, o, intermediate and output products, libtorch's {@code linear} against the packed kernel. */
    private static List<KernelPoint> kernelPoints(int threads) {
        long[][] shapes = {{384, 384}, {384, 384}, {384, 384}, {384, 384}, {1536, 384}, {384, 1536}};  // (out, in)
        Optional<PackedLinearKernel> kernel = PackedLinearKernel.get();
        var points = new ArrayList<KernelPoint>();
        try (var guard = new InferenceMode(); var scope = new PointerScope()) {
            Tensor[] weights = new Tensor[shapes.length];
            Tensor[] biases = new Tensor[shapes.length];
            MemorySegment[] packed = new MemorySegment[shapes.length];
            for (int i = 0; i < shapes.length; i++) {
                weights[i] = torch.randn(shapes[i][0], shapes[i][1]);
                biases[i] = torch.randn(shapes[i][0]);
                if (kernel.isPresent()) {
                    packed[i] = kernel.get().allocatePacked(shapes[i][0], shapes[i][1]);
                    kernel.get().pack(address(weights[i]).reinterpret(shapes[i][0] * shapes[i][1] * Float.BYTES),
                            shapes[i][0], shapes[i][1], packed[i]);
                }
            }
            for (int rows : KERNEL_ROWS) {
                Tensor[] inputs = {torch.randn(rows, 384), torch.randn(rows, 1536)};
                Tensor[] outputs = {torch.empty(rows, 384), torch.empty(rows, 1536)};
                Runnable blas = () -> {
                    try (var s = new PointerScope()) {
                        for (int i = 0; i < shapes.length; i++) {
                            torch.linear(inputs[shapes[i][1] == 384 ? 0 : 1], weights[i], new TensorOptional(biases[i]));
                        }
                    }
                };
                Runnable packedRun = () -> {
                    for (int i = 0; i < shapes.length; i++) {
                        Tensor in = inputs[shapes[i][1] == 384 ? 0 : 1];
                        Tensor out = outputs[shapes[i][0] == 384 ? 0 : 1];
                        kernel.orElseThrow().linear(address(in), rows, shapes[i][1], packed[i], address(biases[i]),
                                MemorySegment.NULL, address(out), shapes[i][0], PackedLinearKernel.Epilogue.NONE, threads);
                    }
                };
                int reps = rows <= 256 ? 20 : 5;
                blas.run();
                double blasS = best(reps, blas::run);
                double kernelS = Double.NaN;
                if (kernel.isPresent()) {
                    packedRun.run();
                    kernelS = best(reps, packedRun::run);
                }
                points.add(new KernelPoint(rows, blasS * 1e6, kernelS * 1e6));
            }
        }
        return points;
    }

    private interface Call {
        void run() throws Exception;
    }

    /** The fastest of {@code reps} timed calls, in seconds. */
    private static double best(int reps, Call call) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            try {
                call.run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            best = Math.min(best, System.nanoTime() - start);
        }
        return best / 1e9;
    }

    private static MemorySegment address(Tensor t) {
        return MemorySegment.ofAddress(t.data_ptr().address());
    }
}
