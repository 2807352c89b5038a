/*
 * For `--precision int8`, is headwise's int8 kernel faster than libtorch's own dynamic quantization
 * (quantized::linear_dynamic: fbgemm, on the x86 quantization engine) for a MiniLM layer's six products, at
 * batch 1 (64 rows) and batch 32 (2,048 rows)? Both sides quantize the weights per output channel once, in
 * setup, and the input at each call; each call cycles through six layers' weights, as a forward does.
 *
 * Run as PackedLinearBenchmark says, with Int8Linear for PackedLinear. A kernel variant the CPU lacks fails its
 * configurations and the others still run; "-p path=fbgemm,AVX2" compares one variant.
 */
package dev.headwise.bench;

import dev.headwise.ffm.kernels.Int8LinearKernel;
import dev.headwise.ffm.kernels.PackedLinearKernel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
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
import org.openjdk.jmh.annotations.Warmup;

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
public class Int8LinearBenchmark {
    @Param({"64", "2048"})
    public int rows;

    /** "fbgemm" (libtorch's quantized::linear_dynamic), or the int8 kernel's {@link Int8LinearKernel.Variant}. */
    @Param({"fbgemm", "AMX", "AVX512_VNNI", "AVX_VNNI", "AVX2"})
    public String path;

    private final Tensor[] biases = new Tensor[MiniLmProducts.COUNT];
    private final MemorySegment[] packed = new MemorySegment[biases.length];
    private final IValue[] prepacked = new IValue[biases.length];
    private OperatorHandle linearDynamic;
    private MiniLmProducts products;
    private Int8LinearKernel kernel;

    @Setup(Level.Trial)
    public void setUp() {
        torch.set_num_threads(Runtime.getRuntime().availableProcessors());
        kernel = path.equals("fbgemm") ? null : Int8LinearKernel.get(Int8LinearKernel.Variant.valueOf(path))
                .orElseThrow(() -> new IllegalStateException("this CPU does not run the int8 kernel's " + path));
        Dispatcher dispatcher = Dispatcher.singleton();
        OperatorHandle prepack = dispatcher.findSchemaOrThrow("quantized::linear_prepack", "");
        linearDynamic = dispatcher.findSchemaOrThrow("quantized::linear_dynamic", "");
        for (int i = 0; i < biases.length; i++) {
            int n = MiniLmProducts.out(i), k = MiniLmProducts.in(i);
            Tensor weight = torch.randn(n, k);
            biases[i] = torch.randn(n);
            if (kernel != null) {
                packed[i] = kernel.allocatePacked(n, k);
                kernel.pack(address(weight).reinterpret((long) n * k * Float.BYTES), n, k, packed[i]);
            } else {
                Tensor scales = weight.abs().amax(new long[]{1}, false).div(new Scalar(127.0)).to(torch.ScalarType.Double);
                Tensor zeros = torch.zeros(new long[]{n}, new TensorOptions(torch.ScalarType.Long));
                var stack = new IValueVector();
                stack.push_back(new IValue(torch.quantize_per_channel(weight, scales, zeros, 0, torch.ScalarType.QInt8)));
                stack.push_back(new IValue(biases[i]));
                prepack.callBoxed(stack);
                prepacked[i] = stack.get(0);
            }
        }
        products = new MiniLmProducts(rows);
    }

    /** One pass over all six layers' products (36 calls). */
    @Benchmark
    public void sixLayers() {
        try (var scope = new PointerScope(); var mode = new InferenceMode()) {
            for (int i = 0; i < biases.length; i++) {
                int n = MiniLmProducts.out(i), k = MiniLmProducts.in(i);
                Tensor x = products.x(i);
                if (kernel != null) {
                    Tensor y = products.y(i);
                    kernel.linear(address(x), rows, k, packed[i], address(biases[i]), MemorySegment.NULL, address(y),
                            n, PackedLinearKernel.Epilogue.NONE, torch.get_num_threads());
                } else {
                    var stack = new IValueVector();                         // fbgemm returns a new tensor
                    stack.push_back(new IValue(x));
                    stack.push_back(prepacked[i]);
                    stack.push_back(new IValue(false));                     // reduce_range
                    linearDynamic.callBoxed(stack);
                }
            }
        }
    }

}
