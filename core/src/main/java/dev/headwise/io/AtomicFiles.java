package dev.headwise.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes that either happen whole or not at all: the bytes go to a temporary file beside the target,
 * are forced to disk, and the file is then moved over the target. A crash or a full disk leaves the old
 * target as it was, and a JVM ended by a signal (SIGTERM, or SIGINT where the command does not handle it)
 * removes what it was writing on the way out.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Something that writes a file's content to a path. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path tmp) throws IOException;
    }

    /** Writes UTF-8 text through a buffered writer. */
    public static void writeText(Path target, TextWriter content) throws IOException {
        write(target, tmp -> {
            try (var w = Files.newBufferedWriter(tmp, java.nio.charset.StandardCharsets.UTF_8)) {
                content.writeTo(w);
            }
        });
    }

    /** Something that writes text. */
    @FunctionalInterface
    public interface TextWriter {
        void writeTo(java.io.Writer writer) throws IOException;
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, tmp -> Files.write(tmp, content));
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Not Files.createTempFile: its owner-only permissions would stay on the published file.
        Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createFile(tmp);
            Leftovers.track(tmp);
            writer.writeTo(tmp);
            try (var ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
            Leftovers.untrack(tmp);
        }
    }

    /**
     * Fills a fresh directory beside {@code target} and swaps it into place only when {@code writer} has
     * finished, so a failure leaves no half-written output. An existing non-empty {@code target} is an
     * error unless {@code overwrite}; then it is replaced as a whole.
     */
    public static void replaceDirectory(Path target, boolean overwrite, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        if (Files.exists(abs) && !isEmptyDirectory(abs) && !overwrite) {
            throw new dev.headwise.HeadwiseException(target + " already exists and is not empty; use --overwrite to replace it.");
        }
        Files.createDirectories(abs.getParent());
        // Not Files.createTempDirectory: its owner-only permissions would stay on the published directory.
        Path fresh = Files.createDirectory(abs.resolveSibling("." + abs.getFileName() + ".new-" + UUID.randomUUID()));
        Leftovers.track(fresh);
        try {
            writer.writeTo(fresh);
            publishDirectory(fresh, abs);
        } finally {
            deleteTree(fresh);
            Leftovers.untrack(fresh);
        }
    }

    /**
     * Moves the finished directory {@code fresh} to {@code target} (a sibling), replacing a directory
     * already there: the old one is moved aside first and deleted only once {@code fresh} is in place.
     */
    public static void publishDirectory(Path fresh, Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path old = abs.resolveSibling("." + abs.getFileName() + ".old-" + ProcessHandle.current().pid());
        boolean replacing = Files.exists(abs);
        if (replacing) Files.move(abs, old);
        try {
            Files.move(fresh, abs);
        } catch (IOException e) {
            if (replacing) Files.move(old, abs);
            throw e;
        }
        deleteTree(old);
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /**
     * The temporary files and folders being written now. A signal ends the JVM without running {@code finally}
     * blocks, but it runs shutdown hooks; the hook is registered on first use.
     */
    private static final class Leftovers {
        private static final Set<Path> WRITING = ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(Leftovers::removeAll, "headwise-leftovers"));
        }

        static void track(Path p) {
            WRITING.add(p);
        }

        static void untrack(Path p) {
            WRITING.remove(p);
        }

        private static void removeAll() {
            for (Path p : WRITING) {
                try {
                    deleteTree(p);
                } catch (IOException | RuntimeException e) {
                    // The JVM is going; a leftover it cannot remove stays, as it would have without the hook.
                }
            }
        }
    }

    /** Atomic rename where the file system allows it. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
