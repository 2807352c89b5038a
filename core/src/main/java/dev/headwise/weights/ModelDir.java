package dev.headwise.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Hugging Face model directories: {@code model.safetensors}, or shards plus {@code model.safetensors.index.json}. */
final class ModelDir {
    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";
    private static final Pattern SHARD = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");
    private static final Pattern PICKLE = Pattern.compile(".*\\.(bin|pt|pth)");

    private ModelDir() {
    }

    static ModelWeights open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new HeadwiseException("Model directory " + dir + " does not exist or is not a directory.");
        }
        if (Files.exists(dir.resolve(SINGLE))) {
            SafeTensorsFile file = SafeTensorsReader.open(dir.resolve(SINGLE));
            return new ModelWeights(List.of(file), file.tensors());
        }
        if (Files.exists(dir.resolve(INDEX))) {
            return openShards(dir, readWeightMap(dir.resolve(INDEX)));
        }
        List<String> pickles = list(dir).stream().filter(PICKLE.asMatchPredicate()).sorted().toList();
        if (!pickles.isEmpty()) {
            throw new HeadwiseException("Model directory " + dir + " holds only pickle checkpoints ("
                    + String.join(", ", pickles) + "), which can run arbitrary code when loaded, so headwise does not"
                    + " read them; convert the model with save_pretrained(..., safe_serialization=True) and use the"
                    + " model.safetensors it writes.");
        }
        throw new HeadwiseException("Model directory " + dir + " has neither " + SINGLE + " nor " + INDEX + ".");
    }

    /** Tensor name to shard file name, with every shard name checked to be a plain file name. */
    private static SequencedMap<String, String> readWeightMap(Path index) {
        byte[] bytes;
        try {
            if (Files.size(index) > SafeTensorsReader.MAX_HEADER_BYTES) {
                throw invalidIndex(index, "it is larger than " + SafeTensorsReader.MAX_HEADER_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(index);
        } catch (IOException e) {
            throw new HeadwiseException("Cannot read " + index + ": " + FileIo.describe(e) + ".", e);
        }
        JsonNode weightMap = SafeTensorsReader.parseObject(bytes, reason -> invalidIndex(index, "it " + reason))
                .get("weight_map");
        if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
            throw invalidIndex(index, "it has no non-empty object 'weight_map'");
        }
        SequencedMap<String, String> shards = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
            JsonNode shard = e.getValue();
            if (!shard.isTextual() || !isPlainFileName(shard.textValue())) {
                throw invalidIndex(index, "tensor '" + e.getKey() + "' maps to " + shard
                        + ", which is not a plain file name inside the model directory");
            }
            shards.put(e.getKey(), shard.textValue());
        }
        return shards;
    }

    /** Keeps the index from pointing outside its directory. */
    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..")
                && name.chars().noneMatch(c -> c == '/' || c == '\\' || c == ':' || c == 0);
    }

    private static ModelWeights openShards(Path dir, SequencedMap<String, String> weightMap) {
        Map<String, Set<String>> listed = new LinkedHashMap<>();
        weightMap.forEach((tensor, shard) -> listed.computeIfAbsent(shard, s -> new HashSet<>()).add(tensor));
        Map<String, SafeTensorsFile> shards = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Set<String>> e : listed.entrySet()) {
                SafeTensorsFile shard = SafeTensorsReader.open(dir.resolve(e.getKey()));
                shards.put(e.getKey(), shard);
                SafeTensors.mismatch(shard.tensors().keySet(), e.getValue()).ifPresent(problem -> {
                    throw new HeadwiseException("Shard " + shard.path() + " does not match " + INDEX
                            + " (missing = listed there but absent here): " + problem + ".");
                });
            }
            SequencedMap<String, TensorData> tensors = new LinkedHashMap<>();
            weightMap.forEach((tensor, shard) -> tensors.put(tensor, shards.get(shard).tensors().get(tensor)));
            return new ModelWeights(List.copyOf(shards.values()), tensors);
        } catch (RuntimeException e) {
            shards.values().forEach(SafeTensorsFile::close);
            throw e;
        }
    }

    static void write(Path dir, List<TensorData> tensors, Map<String, String> metadata, long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new HeadwiseException("The maximum shard size must be positive, not " + maxShardBytes + ".");
        }
        SafeTensorsWriter.requireUniqueNames(dir, tensors);
        Map<String, String> meta = metadata == null || metadata.isEmpty() ? Map.of("format", "pt") : metadata;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new HeadwiseException("Cannot create model directory " + dir + ": " + FileIo.describe(e) + ".", e);
        }
        List<List<TensorData>> shards = split(tensors, maxShardBytes);
        Set<String> written = new HashSet<>();
        if (shards.size() == 1) {
            SafeTensorsWriter.write(dir.resolve(SINGLE), tensors, meta);
            written.add(SINGLE);
        } else {
            SequencedMap<String, String> weightMap = new LinkedHashMap<>();
            for (int i = 0; i < shards.size(); i++) {
                String name = "model-%05d-of-%05d.safetensors".formatted(i + 1, shards.size());
                SafeTensorsWriter.write(dir.resolve(name), shards.get(i), meta);
                written.add(name);
                shards.get(i).forEach(t -> weightMap.put(t.name(), name));
            }
            long totalSize = tensors.stream().mapToLong(t -> t.data().byteSize()).sum();
            writeIndex(dir.resolve(INDEX), weightMap, totalSize);
            written.add(INDEX);
        }
        removeStale(dir, written);
    }

    /** Greedy, in order, like HF: a new shard starts when the next tensor would overflow the current one. */
    private static List<List<TensorData>> split(List<TensorData> tensors, long maxShardBytes) {
        List<List<TensorData>> shards = new ArrayList<>();
        List<TensorData> current = new ArrayList<>();
        long size = 0;
        for (TensorData t : tensors) {
            long bytes = t.data().byteSize();
            if (!current.isEmpty() && size + bytes > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(t);
            size += bytes;
        }
        shards.add(current);
        return shards;
    }

    private static void writeIndex(Path index, SequencedMap<String, String> weightMap, long totalSize) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.putObject("metadata").put("total_size", totalSize);
        ObjectNode map = root.putObject("weight_map");
        weightMap.forEach(map::put);
        byte[] json;
        try {
            json = Json.INDENTED.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new HeadwiseException("Cannot write " + index + ": " + e.getOriginalMessage() + ".", e);
        }
        FileIo.writeAtomically(index, channel -> {
            ByteBuffer buffer = ByteBuffer.wrap(json);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }

    /** Deletes single-file, index and shard files of an earlier save that the new save did not write. */
    private static void removeStale(Path dir, Set<String> written) {
        List<String> stale = list(dir).stream()
                .filter(n -> n.equals(SINGLE) || n.equals(INDEX) || SHARD.matcher(n).matches())
                .filter(n -> !written.contains(n))
                .toList();
        for (String name : stale) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException e) {
                throw new HeadwiseException("Saved the model to " + dir + " but could not remove the stale file "
                        + name + ": " + FileIo.describe(e) + ".", e);
            }
        }
    }

    private static HeadwiseException invalidIndex(Path index, String detail) {
        return new HeadwiseException("Invalid index file " + index + ": " + detail + ".");
    }

    private static List<String> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new HeadwiseException("Cannot list model directory " + dir + ": " + FileIo.describe(e) + ".", e);
        }
    }
}
