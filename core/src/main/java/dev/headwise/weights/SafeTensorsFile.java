package dev.headwise.weights;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * An open, validated safetensors file. Its tensors are read-only views of a memory mapping that
 * {@link #close()} unmaps; using a tensor after that throws {@link IllegalStateException}.
 */
public final class SafeTensorsFile implements AutoCloseable {
    private final Path path;
    private final SequencedMap<String, TensorData> tensors;
    private final SequencedMap<String, String> metadata;
    private final Arena arena;

    SafeTensorsFile(Path path, SequencedMap<String, TensorData> tensors, SequencedMap<String, String> metadata,
            Arena arena) {
        this.path = path;
        this.tensors = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(tensors));
        this.metadata = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(metadata));
        this.arena = arena;
    }

    /** The file this was read from. */
    public Path path() {
        return path;
    }

    /** The tensors by name, in header order. */
    public SequencedMap<String, TensorData> tensors() {
        return tensors;
    }

    /** The header's {@code __metadata__} (empty when absent). */
    public SequencedMap<String, String> metadata() {
        return metadata;
    }

    /** Unmaps the file; calling it again does nothing. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
