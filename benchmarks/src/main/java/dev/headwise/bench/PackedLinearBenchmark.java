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

import static dev.headwise.bench.MiniLmProducts.address;

@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        "-Dorg.bytedeco.openblas.load=mkl_rt"})
public class PackedLinearBenchmark {
    @Param({"1", "16", "64", "256", "2048"})
    public int rows;

    /** "libtorch", or the packed kernel's {@link PackedLinearKernel.Variant}. */
    @Param({"libtorch", "AVX512", "AVX2"})
    public String path;

    private final Tensor[] weights = new Tensor[MiniLmProducts.COUNT];
    private final Tensor[] biases = new Tensor[weights.length];
    private final MemorySegment[] packed = new MemorySegment[weights.length];
    private MiniLmProducts products;
    private PackedLinearKernel kernel;
    private Arena arena;

    @Setup(Level.Trial)
    public void setUp() {
        torch.set_num_threads(Runtime.getRuntime().availableProcessors());
        kernel = path.equals("libtorch") ? null : PackedLinearKernel.get(PackedLinearKernel.Variant.valueOf(path))
                .orElseThrow(() -> new IllegalStateException("this CPU does not run the packed kernel's " + path));
        arena = Arena.ofShared();
        for (int i = 0; i < weights.length; i++) {
            int n = MiniLmProducts.out(i), k = MiniLmProducts.in(i);
            weights[i] = torch.randn(n, k);
            biases[i] = torch.randn(n);
            if (kernel != null) {
                packed[i] = arena.allocate(kernel.packedFloats(n, k) * Float.BYTES, 64);
                kernel.pack(address(weights[i]).reinterpret((long) n * k * Float.BYTES), n, k, packed[i]);
            }
        }
        products = new MiniLmProducts(rows);
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
                int n = MiniLmProducts.out(i), k = MiniLmProducts.in(i);
                Tensor x = products.x(i);
                Tensor y = products.y(i);                                        // both sides write in place
                if (kernel != null) {
                    kernel.linear(address(x), rows, k, packed[i], address(biases[i]), MemorySegment.NULL, address(y), n,
                            PackedLinearKernel.Epilogue.NONE, torch.get_num_threads());
                } else {
                    torch.linear_out(y, x, weights[i], new TensorOptional(biases[i]));
                }
            }
        }
    }

}
