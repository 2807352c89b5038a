package dev.headwise.ffm.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Where the CUDA runtime and NVML may live, most likely first. */
final class LibraryCandidates {
    static final String CUDART = "libcudart.so";
    /** Part of the driver, so always installed system-wide with it. */
    static final List<String> NVML = List.of("libnvidia-ml.so.1", "libnvidia-ml.so");

    /** Deep enough for {@code <cache>/<jar>/org/bytedeco/cuda/linux-x86_64/libcudart.so.N}. */
    private static final int CACHE_DEPTH = 6;

    private LibraryCandidates() {}

    /**
     * Sonames first (the dynamic linker hands back a copy libtorch already loaded, so events and streams
     * are shared with it), then versioned files in the {@code LD_LIBRARY_PATH} directories and in the
     * JavaCPP cache, where a CUDA build of the pytorch presets unpacks its own copy.
     */
    static List<String> cudaRuntime(Map<String, String> env, Path javacppCache) {
        var out = new LinkedHashSet<String>(List.of(CUDART, CUDART + ".13", CUDART + ".12", CUDART + ".11"));
        String ldPath = env.getOrDefault("LD_LIBRARY_PATH", "");
        for (String dir : ldPath.split(":")) {
            if (!dir.isBlank()) out.addAll(filesIn(Path.of(dir), 1));
        }
        out.addAll(filesIn(javacppCache, CACHE_DEPTH));
        return List.copyOf(out);
    }

    /** JavaCPP's cache directory as JavaCPP itself resolves it. */
    static Path javacppCache() {
        String dir = System.getProperty("org.bytedeco.javacpp.cachedir");
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".javacpp", "cache");
    }

    /** {@code libcudart.so*} files under {@code dir} in reverse name order (newer versions first); none when unreadable. */
    private static List<String> filesIn(Path dir, int depth) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> found = Files.find(dir, depth,
                (p, attrs) -> p.getFileName().toString().startsWith(CUDART))) {
            var files = new ArrayList<>(found.map(p -> p.toAbsolutePath().toString()).toList());
            files.sort(Comparator.reverseOrder());
            return files;
        } catch (IOException | UncheckedIOException e) {
            return List.of(); // an unreadable directory just holds no candidate
        }
    }
}
