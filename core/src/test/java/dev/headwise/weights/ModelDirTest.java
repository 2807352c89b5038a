package dev.headwise.weights;

import static dev.headwise.weights.SafeTensorsBytes.assertSameTensor;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelDirTest {

    @TempDir
    Path root;

    /** Five F32 tensors of 16 bytes each. */
    private static List<TensorData> tensors() {
        Random random = new Random(7);
        return IntStream.range(0, 5)
                .mapToObj(i -> SafeTensorsBytes.random("layer." + i + ".weight", DType.F32, new long[] {4}, random))
                .toList();
    }

    private List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void shardedRoundTripUsesTheHuggingFaceLayout() throws IOException {
        Path dir = root.resolve("model");
        List<TensorData> tensors = tensors();

        SafeTensors.writeModelDir(dir, tensors, null, 40);

        assertEquals(List.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors", "model.safetensors.index.json"), files(dir));
        JsonNode index = Json.MAPPER.readTree(dir.resolve("model.safetensors.index.json").toFile());
        assertEquals(80, index.get("metadata").get("total_size").asLong());
        assertEquals("model-00002-of-00003.safetensors", index.get("weight_map").get("layer.3.weight").asText());
        assertEquals("model-00003-of-00003.safetensors", index.get("weight_map").get("layer.4.weight").asText());
        try (ModelWeights weights = SafeTensors.openModelDir(dir)) {
            assertEquals(Map.of("format", "pt"), weights.metadata());
            assertEquals(tensors.stream().map(TensorData::name).toList(), List.copyOf(weights.tensors().keySet()));
            tensors.forEach(t -> assertSameTensor(t, weights.tensors().get(t.name())));
        }
    }

    @Test
    void singleFileWhenItFitsWithGivenMetadata() throws IOException {
        Path dir = root.resolve("model");
        SafeTensors.writeModelDir(dir, tensors(), Map.of("format", "pt", "labels", "neg,pos"), 80);
        assertEquals(List.of("model.safetensors"), files(dir));
        try (ModelWeights weights = SafeTensors.openModelDir(dir)) {
            assertEquals("neg,pos", weights.metadata().get("labels"));
            assertEquals(5, weights.tensors().size());
        }
    }

    @Test
    void resavingRemovesStaleFilesOfTheEarlierLayoutOnly() throws IOException {
        Path dir = root.resolve("model");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{}");

        SafeTensors.writeModelDir(dir, tensors(), null, 40);
        SafeTensors.writeModelDir(dir, tensors(), null, 48);
        assertEquals(List.of("config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                "model.safetensors.index.json"), files(dir));

        SafeTensors.writeModelDir(dir, tensors(), null, 1 << 20);
        assertEquals(List.of("config.json", "model.safetensors"), files(dir));

        SafeTensors.writeModelDir(dir, tensors(), null, 48);
        assertEquals(List.of("config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                "model.safetensors.index.json"), files(dir));
        try (ModelWeights weights = SafeTensors.openModelDir(dir)) {
            assertEquals(5, weights.tensors().size());
        }
    }

    @Test
    void duplicateNamesAcrossShardsAreRefusedBeforeWritingAnything() {
        Path dir = root.resolve("model");
        TensorData t = tensors().getFirst();
        var e = assertThrows(HeadwiseException.class,
                () -> SafeTensors.writeModelDir(dir, List.of(t, tensors().get(1), t), null, 16));
        assertTrue(e.getMessage().contains("'" + t.name() + "'"), e.getMessage());
        assertTrue(Files.notExists(dir));
    }

    @Test
    void closingTheWeightsUnmapsEveryShard() {
        Path dir = root.resolve("model");
        SafeTensors.writeModelDir(dir, tensors(), null, 40);
        ModelWeights weights = SafeTensors.openModelDir(dir);
        List<TensorData> all = List.copyOf(weights.tensors().values());
        weights.close();
        all.forEach(t -> assertThrows(IllegalStateException.class, t::toFloatArray));
    }

    /** Writes 3 shards, then rewrites the index with {@code edit} applied to its weight_map. */
    private Path shardsWithEditedIndex(Consumer<ObjectNode> edit) throws IOException {
        Path dir = root.resolve("model");
        SafeTensors.writeModelDir(dir, tensors(), null, 40);
        Path index = dir.resolve("model.safetensors.index.json");
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(index.toFile());
        edit.accept((ObjectNode) json.get("weight_map"));
        Files.write(index, Json.MAPPER.writeValueAsBytes(json));
        return dir;
    }

    @Test
    void indexListingATensorItsShardLacksIsRefused() throws IOException {
        Path dir = shardsWithEditedIndex(map -> map.put("classifier.bias", "model-00001-of-00003.safetensors"));
        var e = assertThrows(HeadwiseException.class, () -> SafeTensors.openModelDir(dir));
        assertTrue(e.getMessage().contains("model-00001-of-00003.safetensors")
                && e.getMessage().contains("1 missing tensor ('classifier.bias')"), e.getMessage());
    }

    @Test
    void shardHoldingUnlistedTensorsIsRefused() throws IOException {
        Path dir = shardsWithEditedIndex(map -> map.remove("layer.1.weight"));
        var e = assertThrows(HeadwiseException.class, () -> SafeTensors.openModelDir(dir));
        assertTrue(e.getMessage().contains("model-00001-of-00003.safetensors")
                && e.getMessage().contains("1 unexpected tensor ('layer.1.weight')"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.safetensors", "..", "sub/model-00001-of-00003.safetensors", "/tmp/x.safetensors",
            "..\\outside.safetensors", ""})
    void indexPointingOutsideTheDirectoryIsRefused(String shard) throws IOException {
        // A valid file really exists outside the directory: it must not be read.
        SafeTensors.write(root.resolve("outside.safetensors"), List.of(tensors().getFirst()), null);
        Path dir = shardsWithEditedIndex(map -> map.put("layer.0.weight", shard));
        var e = assertThrows(HeadwiseException.class, () -> SafeTensors.openModelDir(dir));
        assertTrue(e.getMessage().startsWith("Invalid index file " + dir.resolve("model.safetensors.index.json"))
                && e.getMessage().contains("tensor 'layer.0.weight'")
                && e.getMessage().contains("not a plain file name"), e.getMessage());
    }

    @Test
    void indexWithoutWeightMapIsRefused() throws IOException {
        Path dir = root.resolve("model");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"metadata\":{}}");
        var e = assertThrows(HeadwiseException.class, () -> SafeTensors.openModelDir(dir));
        assertTrue(e.getMessage().contains("weight_map"), e.getMessage());
    }

    @Test
    void pickleCheckpointsAreRefusedWithAConversionHint() throws IOException {
        Path dir = root.resolve("old");
        Files.createDirectories(dir);
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        var e = assertThrows(HeadwiseException.class, () -> SafeTensors.openModelDir(dir));
        assertTrue(e.getMessage().contains("pytorch_model.bin") && e.getMessage().contains("arbitrary code")
                && e.getMessage().contains("safe_serialization=True"), e.getMessage());
    }

    @Test
    void emptyOrMissingDirectoryIsNamed() throws IOException {
        Path empty = Files.createDirectories(root.resolve("empty"));
        var e = assertThrows(HeadwiseException.class, () -> SafeTensors.openModelDir(empty));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("model.safetensors"),
                e.getMessage());
        var missing = assertThrows(HeadwiseException.class, () -> SafeTensors.openModelDir(root.resolve("nope")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void requireNamesListsMissingAndUnexpectedNames() {
        Path file = root.resolve("model.safetensors");
        Set<String> expected = Set.of("a", "b", "c", "d", "e", "f", "g", "h");
        assertDoesNotThrow(() -> SafeTensors.requireNames(file, expected, expected));
        var e = assertThrows(HeadwiseException.class,
                () -> SafeTensors.requireNames(file, Set.of("a", "extra"), expected));
        assertEquals("The tensors in " + file + " do not match the model: 7 missing tensors ('b', 'c', 'd', 'e', 'f',"
                + " and 2 more); 1 unexpected tensor ('extra').", e.getMessage());
    }
}
