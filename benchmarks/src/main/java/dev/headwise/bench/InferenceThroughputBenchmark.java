/*
 * How many texts per second does the MiniLM classifier process in batches of 32, in headwise and in ONNX
 * Runtime on the same .onnx, with the same threads? Multiply the ops/s by the batch for texts/s.
 *
 * Run from the repository root with JDK 25 (see TensorWriteBenchmark for why the launcher's JDK):
 *   ./mvnw -q -o -DskipTests package -pl benchmarks -am
 *   . scripts/find-jdk.sh && hw_find_jdk
 *   . scripts/native-env.sh && hw_native_env bench infer     # the launcher's settings (MKL on GNU OpenMP)
 *   "$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar InferenceThroughput
 * About 30 s per configuration (4 of them).
 */
package dev.headwise.bench;

import ai.onnxruntime.OrtException;
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

import java.util.concurrent.TimeUnit;

@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
// MKL for the products, as the launcher runs them (scripts/native-env.sh, HEADWISE_BLAS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        "-Dorg.bytedeco.openblas.load=mkl_rt"})
public class InferenceThroughputBenchmark {
    @Param({"32"})
    public int batch;

    @Param({"64", "128"})
    public int seq;

    @Param({"headwise", "ort"})
    public String engine;

    private EngineCall call;

    @Setup(Level.Trial)
    public void setUp(ImportedMiniLm minilm) throws OrtException {
        call = minilm.call(engine, batch, seq);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        call.close();
    }

    @Benchmark
    public void oneBatch() throws OrtException {
        call.call();
    }
}
