package dev.headwise.weights;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/**
 * The tensors of a Hugging Face model directory, merged from {@code model.safetensors} or from all shards
 * of a sharded checkpoint. Closing unmaps every file; the tensors are invalid afterwards.
 */
public final class ModelWeights implements AutoCloseable {
    private final List<SafeTensorsFile> files;
    private final SequencedMap<String, TensorData> tensors;

    ModelWeights(List<SafeTensorsFile> files, SequencedMap<String, TensorData> tensors) {
        this.files = List.copyOf(files);
        this.tensors = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(tensors));
    }

    /** All tensors by name: header order for one file, index order for shards. */
    public SequencedMap<String, TensorData> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} of the first file (HF writes the same into every shard). */
    public SequencedMap<String, String> metadata() {
        return files.getFirst().metadata();
    }

    @Override
    public void close() {
        files.forEach(SafeTensorsFile::close);
    }
}
