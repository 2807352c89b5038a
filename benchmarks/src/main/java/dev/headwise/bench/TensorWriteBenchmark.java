/*
 * Batch arrays to libtorch int64 tensors: the JavaCPP writer (two copies) against the FFM writer (one).
 *
 * Run from the repository root with JDK 25 (JMH forks the JVM that runs it, so use the JDK the launcher
 * finds, not whatever java is first on the PATH):
 *   ./mvnw -q -o -DskipTests package -pl benchmarks -am
 *   . scripts/find-jdk.sh && hw_find_jdk
 *   OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=1 "$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar TensorWrite
 * Add e.g. "-wi 3 -i 5 -w 1s -r 1s" for a quick run, "-p batch=32" for one size.
 */
package dev.headwise.bench;

import dev.headwise.ffm.tensor.FfmTensorWriter;
import dev.headwise.ffm.tensor.JavaCppTensorWriter;
import dev.headwise.ffm.tensor.TensorWriter;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Random;
import java.util.concurrent.TimeUnit;

@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// The same flags the launcher and surefire use: FFM needs native access; JavaCPP's RSS check costs a syscall per allocation.
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0"})
public class TensorWriteBenchmark {
    @Param({"1", "32"})
    public int batch;

    @Param({"128"})
    public int seqLen;

    @Param({"plain", "ffm"})
    public String writer;

    private TensorWriter tensors;
    private Device cpu;
    private long[] shape;
    private long[] longIds;
    private int[] intIds;
    private Tensor reused;

    @Setup(Level.Trial)
    public void setUp() {
        tensors = writer.equals("ffm") ? new FfmTensorWriter() : new JavaCppTensorWriter();
        cpu = new Device("cpu");
        shape = new long[] {batch, seqLen};
        intIds = new Random(42).ints((long) batch * seqLen, 0, 30_522).toArray(); // a BERT vocabulary
        longIds = java.util.Arrays.stream(intIds).asLongStream().toArray();
        reused = tensors.longs(longIds, shape, cpu);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        reused.close();
    }

    /** A fresh tensor from long ids, freed with its scope as a training step would. */
    @Benchmark
    public long longs() {
        try (var scope = new PointerScope()) {
            return tensors.longs(longIds, shape, cpu).numel();
        }
    }

    /** A fresh tensor from the corpus' int ids, widened on the way. */
    @Benchmark
    public long ints() {
        try (var scope = new PointerScope()) {
            return tensors.ints(intIds, shape, cpu).numel();
        }
    }

    /** Refilling an input tensor an inference loop keeps. */
    @Benchmark
    public long fillReused() {
        try (var scope = new PointerScope()) {
            tensors.fill(reused, longIds);
            return reused.numel();
        }
    }
}
