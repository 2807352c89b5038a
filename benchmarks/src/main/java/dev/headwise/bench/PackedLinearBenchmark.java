/*
 * How long does a MiniLM layer's six products take at a given number of rows, through libtorch's linear (MKL,
 * repacking each weight per call) and through each variant of headwise's packed kernel (weights packed once)?
 * Each call cycles through six layers' weights, as a forward does, so every weight comes from L3 as it
 * would there.
 *
 * Run from the repository root with JDK 25 (see TensorWriteBenchmark for why the launcher's JDK):
 *   ./mvnw -q -o -DskipTests package -pl benchmarks -am
 *   . scripts/find-jdk.sh && hw_find_jdk
 *   . scripts/native-env.sh && hw_native_env bench infer     # the launcher's settings (MKL on GNU OpenMP)
 *   "$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar PackedLinear
 * About 15 s per configuration (15 of them); "-p rows=64" for one size. A variant the CPU lacks fails its
 * configurations and the others still run; "-p path=libtorch,AVX2" leaves AVX-512 out.
 */
package dev.headwise.bench;

import dev.headwise.ffm.kernels.PackedLinearKernel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        "-Dorg.bytedeco.openblas.load=mkl_rt"})
public class PackedLinearBenchmark {
    private static final int LAYERS = 6;
    private static final int HIDDEN = 384;
    private static final int FFN = 1536;
    /** (out, in) of a layer's products in forward order: q, k, v, attention output, feed-forward in and out. */
    private static final int[][] SHAPES = {{HIDDEN, HIDDEN}, {HIDDEN, HIDDEN}, {HIDDEN, HIDDEN}, {HIDDEN, HIDDEN},
            {FFN, HIDDEN}, {HIDDEN, FFN}};

    @Param({"1", "16", "64", "256", "2048"})
    public int rows;

    /** "libtorch", or the packed kernel's {@link PackedLinearKernel.Variant}. */
    @Param({"libtorch", "AVX512", "AVX2"})
    public String path;

    private final Tensor[] weights = new Tensor[LAYERS * SHAPES.length];
    private final Tensor[] biases = new Tensor[weights.length];
    private final MemorySegment[] packed = new MemorySegment[weights.length];
    private Tensor hidden;
    private Tensor wide;
    private Tensor out;
    private Tensor outWide;
    private PackedLinearKernel kernel;
    private Arena arena;

    @Setup(Level.Trial)
    public void setUp() {
        torch.set_num_threads(Runtime.getRuntime().availableProcessors());
        kernel = path.equals("libtorch") ? null : PackedLinearKernel.get(PackedLinearKernel.Variant.valueOf(path))
                .orElseThrow(() -> new IllegalStateException("this CPU does not run the packed kernel's " + path));
        arena = Arena.ofShared();
        for (int i = 0; i < weights.length; i++) {
            int[] s = SHAPES[i % SHAPES.length];
            weights[i] = torch.randn(s[0], s[1]);
            biases[i] = torch.randn(s[0]);
            if (kernel != null) {
                packed[i] = arena.allocate(kernel.packedFloats(s[0], s[1]) * Float.BYTES, 64);
                kernel.pack(address(weights[i]).reinterpret((long) s[0] * s[1] * Float.BYTES), s[0], s[1], packed[i]);
            }
        }
        hidden = torch.randn(rows, HIDDEN);
        wide = torch.randn(rows, FFN);
        out = torch.empty(rows, HIDDEN);
        outWide = torch.empty(rows, FFN);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** One pass over all six layers' products (36 calls). */
    @Benchmark
    public void sixLayers() {
        try (var scope = new PointerScope(); var mode = new InferenceMode()) {
            for (int i = 0; i < weights.length; i++) {
                int[] s = SHAPES[i % SHAPES.length];
                Tensor x = s[1] == FFN ? wide : hidden;
                Tensor y = s[0] == FFN ? outWide : out;                        // both sides write in place
                if (kernel != null) {
                    kernel.linear(address(x), rows, s[1], packed[i], address(biases[i]), MemorySegment.NULL, address(y), s[0],
                            PackedLinearKernel.Epilogue.NONE, torch.get_num_threads());
                } else {
                    torch.linear_out(y, x, weights[i], new TensorOptional(biases[i]));
                }
            }
        }
    }

    private static MemorySegment address(Tensor t) {
        return MemorySegment.ofAddress(t.data_ptr().address());
    }
}
