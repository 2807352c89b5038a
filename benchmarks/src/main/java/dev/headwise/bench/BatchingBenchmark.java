/*
 * How long does the data side of one training epoch take: sampling length-grouped batches from a
 * tokenized corpus, collating (padding) them, and turning them into libtorch tensors? 4,096 texts per epoch.
 *
 * Run from the repository root with JDK 25 (see TensorWriteBenchmark for why the launcher's JDK):
 *   ./mvnw -q -o -DskipTests package -pl benchmarks -am
 *   . scripts/find-jdk.sh && hw_find_jdk
 *   OMP_WAIT_POLICY=PASSIVE "$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar Batching
 * About 25 s per configuration (4 of them).
 */
package dev.headwise.bench;

import dev.headwise.Task;
import dev.headwise.data.Batch;
import dev.headwise.data.BatchCollator;
import dev.headwise.data.BatchPlan;
import dev.headwise.data.BatchSampler;
import dev.headwise.data.LabelSpace;
import dev.headwise.data.LabeledDataset;
import dev.headwise.data.LengthGrouping;
import dev.headwise.data.TokenizedCorpus;
import dev.headwise.tokenize.TextTokenizer;
import dev.headwise.tokenize.Tokenizers;
import dev.headwise.tokenize.Truncation;
import dev.headwise.train.Batches;
import dev.headwise.weights.onnx.BundledModels;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
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

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0"})
public class BatchingBenchmark {
    private static final int TEXTS = 4096;

    @Param({"16", "32"})
    public int batch;

    @Param({"NONE", "LONGEST_FIRST"})
    public LengthGrouping grouping;

    private TokenizedCorpus corpus;
    private BatchCollator collator;
    private BatchSampler sampler;
    private int[] rows;
    private Device cpu;
    private int epoch;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        List<String> texts = SampleTexts.generate(TEXTS, 120, 5);
        try (TextTokenizer tokenizer = Tokenizers.load(BundledModels.ALL_MINILM_L6_V2)) {
            corpus = TokenizedCorpus.build(texts, tokenizer, Truncation.head(128));
        }
        List<int[]> targets = IntStream.range(0, TEXTS).mapToObj(i -> new int[]{i % 2}).toList();
        collator = new BatchCollator(corpus, LabeledDataset.of(LabelSpace.binary(List.of("0", "1")), texts, targets));
        sampler = new BatchSampler(batch, 42, grouping);
        rows = IntStream.range(0, TEXTS).toArray();
        cpu = new Device("cpu");
    }

    /** One epoch's batches, each collated and converted inside its own scope as the trainer does. */
    @Benchmark
    public long epochOfBatches() {
        BatchPlan plan = sampler.epoch(epoch++, rows, corpus::length);
        long tokens = 0;
        for (int i = 0; i < plan.batchCount(); i++) {
            try (var scope = new PointerScope()) {
                Batch b = collator.collate(plan.batch(i));
                tokens += Batches.toInput(b, Task.BINARY, cpu).ids().numel();
            }
        }
        return tokens;
    }
}
