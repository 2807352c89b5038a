/*
 * How long does one text take through the MiniLM classifier (batch 1), in headwise and in ONNX Runtime on the
 * same .onnx, with the same threads? Sample mode reports p50/p90/p99 per engine and length.
 *
 * Run from the repository root with JDK 25 (see TensorWriteBenchmark for why the launcher's JDK):
 *   ./mvnw -q -o -DskipTests package -pl benchmarks -am
 *   . scripts/find-jdk.sh && hw_find_jdk
 *   . scripts/native-env.sh && hw_native_env bench infer     # the launcher's settings (MKL on GNU OpenMP)
 *   "$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar InferenceLatency
 * About 20 s per configuration (6 of them); "-p seq=64" for one length.
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
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 4)
// MKL for the products, as the launcher runs them (scripts/native-env.sh, HEADWISE_BLAS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        "-Dorg.bytedeco.openblas.load=mkl_rt"})
public class InferenceLatencyBenchmark {
    @Param({"16", "64", "128"})
    public int seq;

    @Param({"headwise", "ort"})
    public String engine;

    private EngineCall call;

    @Setup(Level.Trial)
    public void setUp(ImportedMiniLm minilm) throws OrtException {
        call = minilm.call(engine, 1, seq);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        call.close();
    }

    @Benchmark
    public void oneText() throws OrtException {
        call.call();
    }
}
