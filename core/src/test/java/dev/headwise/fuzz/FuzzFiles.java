package dev.headwise.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Puts each fuzz input into the file a reader is pointed at. */
final class FuzzFiles {
    private FuzzFiles() {
    }

    /**
     * Writes {@code bytes} as a new {@code file}. Deleting first matters: ext4 flushes a file that is truncated
     * and rewritten (auto_da_alloc), which made each input ten times slower than a fresh file.
     */
    static Path replace(Path file, byte[] bytes) throws IOException {
        Files.deleteIfExists(file);
        return Files.write(file, bytes);
    }
}
