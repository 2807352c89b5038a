package dev.headwise.weights;

import dev.headwise.io.AtomicFiles;
import dev.headwise.HeadwiseException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** File plumbing shared by the safetensors reader and writers. */
final class FileIo {
    /** Writes the content of a new file into an open channel. */
    interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private FileIo() {
    }

    /**
     * Writes {@code target} so that readers see either the old file or the complete new one: the content goes
     * to a temp file in the same directory, is synced to disk, then renamed over the target. On failure the
     * temp file is removed and the target is untouched.
     */
    static void writeAtomically(Path target, Content content) {
        try {
            AtomicFiles.write(target, temp -> {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    content.writeTo(channel);
                }
            });
        } catch (HeadwiseException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new HeadwiseException("Cannot write " + target + ": " + describe(e) + ".", e);
        }
    }

    /** A short reason for an I/O failure, without repeating the path that callers already name. */
    static String describe(Exception e) {
        return switch (e) {
            case NoSuchFileException x -> "no such file or directory";
            case AccessDeniedException x -> "permission denied";
            case FileSystemException x when x.getReason() != null -> x.getReason();
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
