/*
 * How long does one training step (forward, backward, gradient clipping, AdamW) take for the DistilBERT-base
 * and MiniLM shapes? Multiply by (batch x seq) / seconds for tokens/s; `headwise bench train` adds the
 * roofline and MFU.
 *
 * Run from the repository root with JDK 25 (see TensorWriteBenchmark for why the launcher's JDK):
 *   ./mvnw -q -o -DskipTests package -pl benchmarks -am
 *   . scripts/find-jdk.sh && hw_find_jdk
 *   . scripts/native-env.sh && hw_native_env bench train    # the launcher's settings for training commands
 *   "$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar TrainStep
 * One configuration takes 10 s to 2 min on 2 cores; "-p model=minilm -p batch=16" runs one.
 */
package dev.headwise.bench;

import dev.headwise.Task;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.Heads;
import dev.headwise.model.Loss;
import dev.headwise.model.ModelInput;
import dev.headwise.model.Tensors;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TorchRuntime;
import dev.headwise.train.AdamW;
import dev.headwise.train.TrainingStep;
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

@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
// MKL for the products, as the launcher runs them (scripts/native-env.sh, HEADWISE_BLAS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        "-Dorg.bytedeco.openblas.load=mkl_rt"})
public class TrainStepBenchmark {
    @Param({"distilbert-base", "minilm"})
    public String model;

    @Param({"16", "32"})
    public int batch;

    @Param({"128"})
    public int seq;

    private TrainingStep step;
    private ModelInput input;

    @Setup(Level.Trial)
    public void setUp() {
        TorchRuntime.seed(1);
        var config = ModelShapes.resolve(model);
        Heads heads = Heads.single(Task.MULTICLASS, List.of("a", "b", "c", "d"));
        var classifier = TextClassifier.create(new ClassifierConfig(config, heads), new Device("cpu"));
        step = new TrainingStep(classifier, new Loss(heads, Loss.LossOptions.NONE),
                new AdamW(classifier.parameters(), AdamW.Options.defaults(), true), 1.0);
        input = new ModelInput(Tensors.longs(RandomTokens.ids(7, batch, seq, config.vocabSize()), batch, seq),
                Tensors.longs(RandomTokens.fullMask(batch, seq), batch, seq), null,
                Tensors.longs(new long[batch], batch));
    }

    @Benchmark
    public double trainingStep() {
        try (var scope = new PointerScope()) {
            double loss = step.accumulate(input, 1.0).item_double();
            step.update(1e-5);
            return loss;
        }
    }
}
