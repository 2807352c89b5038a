package dev.headwise.data.spamassassin;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** Writes files so that readers see either the old file or the complete new one, never half of it. */
final class AtomicFiles {
    /** What writes the content of a file. */
    @FunctionalInterface
    interface Content {
        void writeTo(Writer writer) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes UTF-8 text to a temporary file beside {@code target}, then moves it into place. */
    static void writeText(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        // Not Files.createTempFile: its owner-only permissions would stay on the published file.
        Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (BufferedWriter writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                content.writeTo(writer);
            }
            move(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
