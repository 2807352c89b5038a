package dev.headwise.weights;

import dev.headwise.HeadwiseException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads and writes safetensors checkpoints, single files and Hugging Face model directories, in pure Java.
 * Input files are treated as untrusted: every structural error is a {@link HeadwiseException} naming the
 * file and tensor, raised before any tensor data is used.
 */
public final class SafeTensors {
    /** How many names an error message lists before summarising the rest as a count. */
    private static final int NAMES_SHOWN = 5;

    private SafeTensors() {
    }

    /** Memory-maps and validates {@code file}; the caller closes the result. */
    public static SafeTensorsFile open(Path file) {
        return SafeTensorsReader.open(file);
    }

    /**
     * Writes {@code tensors} in the given order to {@code file}, atomically (an existing file is replaced
     * only by a complete new one). {@code metadata} may be null or empty, in which case no
     * {@code __metadata__} is written.
     */
    public static void write(Path file, List<TensorData> tensors, Map<String, String> metadata) {
        SafeTensorsWriter.write(file, tensors, metadata);
    }

    /**
     * Opens {@code model.safetensors} in {@code dir}, or else the shards listed in
     * {@code model.safetensors.index.json}. Pickle checkpoints ({@code *.bin}, {@code *.pt}) are refused.
     */
    public static ModelWeights openModelDir(Path dir) {
        return ModelDir.open(dir);
    }

    /**
     * Saves {@code tensors} into {@code dir} in the {@code save_pretrained} layout: one
     * {@code model.safetensors} when their bytes fit in {@code maxShardBytes}, else numbered shards plus
     * {@code model.safetensors.index.json}. Files of an earlier save that the new one does not use are
     * removed once the new files are in place. Null or empty {@code metadata} becomes {@code {"format":"pt"}}.
     */
    public static void writeModelDir(Path dir, List<TensorData> tensors, Map<String, String> metadata,
            long maxShardBytes) {
        ModelDir.write(dir, tensors, metadata, maxShardBytes);
    }

    /**
     * Fails with one message listing the missing and unexpected tensor names when the names read from
     * {@code file} (a file or model directory) differ from the ones a model expects.
     */
    public static void requireNames(Path file, Set<String> present, Set<String> expected) {
        mismatch(present, expected).ifPresent(problem -> {
            throw new HeadwiseException("The tensors in " + file + " do not match the model: " + problem + ".");
        });
    }

    /** "missing 2 tensors (a, b); 1 unexpected tensor (c)", or empty when the sets are equal. */
    static Optional<String> mismatch(Set<String> present, Set<String> expected) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(present);
        Set<String> unexpected = new TreeSet<>(present);
        unexpected.removeAll(expected);
        String problem = Stream.of(describe("missing", missing), describe("unexpected", unexpected))
                .flatMap(Optional::stream)
                .collect(Collectors.joining("; "));
        return problem.isEmpty() ? Optional.empty() : Optional.of(problem);
    }

    private static Optional<String> describe(String what, Set<String> names) {
        if (names.isEmpty()) {
            return Optional.empty();
        }
        String shown = names.stream().limit(NAMES_SHOWN).map(n -> "'" + n + "'").collect(Collectors.joining(", "));
        String more = names.size() > NAMES_SHOWN ? ", and " + (names.size() - NAMES_SHOWN) + " more" : "";
        return Optional.of(names.size() + " " + what + (names.size() == 1 ? " tensor" : " tensors")
                + " (" + shown + more + ")");
    }
}
