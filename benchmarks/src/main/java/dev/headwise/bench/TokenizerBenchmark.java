/*
 * How many texts per second does the HF tokenizer (the bundled all-MiniLM-L6-v2 tokenizer.json, through DJL's
 * Rust bindings) encode, one call per batch of 256 texts, for short and long texts?
 *
 * Run from the repository root with JDK 25 (see TensorWriteBenchmark for why the launcher's JDK):
 *   ./mvnw -q -o -DskipTests package -pl benchmarks -am
 *   . scripts/find-jdk.sh && hw_find_jdk
 *   OMP_WAIT_POLICY=PASSIVE "$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar Tokenizer
 * About 25 s per configuration (2 of them). Multiply ops/s by 256 for texts/s.
 */
package dev.headwise.bench;

import dev.headwise.tokenize.TextTokenizer;
import dev.headwise.tokenize.Tokenizers;
import dev.headwise.weights.onnx.BundledModels;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0"})
public class TokenizerBenchmark {
    /** Up to this many words per text (uniform from 1). */
    @Param({"16", "200"})
    public int maxWords;

    private TextTokenizer tokenizer;
    private List<String> texts;

    @Setup(Level.Trial)
    public void setUp() {
        tokenizer = Tokenizers.load(BundledModels.ALL_MINILM_L6_V2);
        texts = SampleTexts.generate(256, maxWords, 3);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        tokenizer.close();
    }

    @Benchmark
    public int encodeBatchOf256() {
        return tokenizer.encodeBatch(texts, 256).size();
    }
}
