package dev.headwise.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void aFailedWriteLeavesTheOldTargetAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("out.csv");
        Files.writeString(target, "old");
        try {
            AtomicFiles.write(target, tmp -> {
                Files.writeString(tmp, "half");
                throw new IOException("disk full");
            });
        } catch (IOException expected) {
            assertEquals("disk full", expected.getMessage());
        }
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), list());
    }

    @Test
    void aFileBeingWrittenIsRemovedWhenSigtermEndsTheJvm() throws Exception {
        Path target = dir.resolve("predictions.csv");
        Files.writeString(target, "old");
        endMidWrite("file", target);
        assertEquals("old", Files.readString(target), "the old target stays");
        assertEquals(List.of(target), list(), "no temporary file is left beside it");
    }

    @Test
    void aDirectoryBeingFilledIsRemovedWhenSigtermEndsTheJvm() throws Exception {
        Path target = dir.resolve("out");
        endMidWrite("dir", target);
        assertEquals(List.of(), list(), "neither the target nor its fresh directory is left");
    }

    /** Starts {@link SlowWriteMain} in a JVM, waits until it is writing, then sends SIGTERM. */
    private void endMidWrite(String kind, Path target) throws Exception {
        var cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), SlowWriteMain.class.getName(), kind, target.toString());
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("writing", out.readLine());
            assertTrue(list().stream().anyMatch(p -> p.getFileName().toString().startsWith(".")),
                    "the child is writing beside the target: " + list());
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ends");
        } finally {
            child.destroyForcibly();
        }
    }

    private List<Path> list() throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
