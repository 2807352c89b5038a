package dev.headwise.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.headwise.HeadwiseException;
import dev.headwise.weights.DType;
import dev.headwise.weights.ModelWeights;
import dev.headwise.weights.SafeTensors;
import dev.headwise.weights.SafeTensorsFile;
import dev.headwise.weights.TensorData;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the safetensors reader: a single file, and a sharded model directory whose index is fuzzed while
 * its shards are fixed. Every input must open (and then be readable to the last byte) or fail with a
 * {@link HeadwiseException}.
 */
class SafeTensorsFuzzTest {
    private static final int QUICK_RUNS = 4000;

    @TempDir
    static Path dir;
    private static Path modelDir;

    /**
     * Two valid shards (the seeds' index lists them) and a broken file, so fuzzed indexes can point at
     * matching, mismatching and unreadable shards.
     */
    @BeforeAll
    static void writeShards() throws IOException {
        Path written = dir.resolve("written");
        SafeTensors.writeModelDir(written, List.of(
                TensorData.ofFloats("bert.embeddings.weight", new long[] {2, 2}, new float[] {1, 2, 3, 4}),
                TensorData.ofFloats("bert.pooler.bias", new long[] {2}, new float[] {5, 6}),
                new TensorData("step", DType.I64, new long[] {}, MemorySegment.ofArray(new byte[8]))),
                Map.of("format", "pt"), 16);
        modelDir = Files.createDirectories(dir.resolve("model"));
        try (var files = Files.list(written)) {
            for (Path shard : files.filter(f -> f.toString().endsWith(".safetensors")).toList()) {
                Files.copy(shard, modelDir.resolve(shard.getFileName()));
            }
        }
        Files.write(modelDir.resolve("broken.safetensors"), new byte[] {9, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
    }

    @FuzzTest
    void singleFile(byte[] bytes) throws IOException {
        Path file = FuzzFiles.replace(dir.resolve("fuzz.safetensors"), bytes);
        try (SafeTensorsFile opened = SafeTensors.open(file)) {
            opened.tensors().values().forEach(SafeTensorsFuzzTest::touch);
        } catch (HeadwiseException expected) {
            // the documented refusal
        }
    }

    @FuzzTest
    void shardIndex(byte[] indexJson) throws IOException {
        FuzzFiles.replace(modelDir.resolve("model.safetensors.index.json"), indexJson);
        try (ModelWeights weights = SafeTensors.openModelDir(modelDir)) {
            weights.tensors().values().forEach(SafeTensorsFuzzTest::touch);
            weights.metadata(); // the first shard's, which must exist once the index is accepted
        } catch (HeadwiseException expected) {
            // the documented refusal
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void singleFileMutants() {
        QuickFuzz.run(getClass(), "singleFile", QUICK_RUNS, this::singleFile);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shardIndexMutants() {
        QuickFuzz.run(getClass(), "shardIndex", QUICK_RUNS, this::shardIndex);
    }

    /** Reads every byte, so a span outside the mapping would fault here rather than in training. */
    private static void touch(TensorData tensor) {
        tensor.data().toArray(ValueLayout.JAVA_BYTE);
    }
}
