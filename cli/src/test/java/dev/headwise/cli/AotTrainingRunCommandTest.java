package dev.headwise.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The launcher's JVM-cache workload: it must run the whole load-and-predict path and leave nothing behind. */
class AotTrainingRunCommandTest {
    @Test
    void savesLoadsAndPredictsThenRemovesItsDirectory() throws IOException {
        List<Path> before = leftovers();
        var r = CliRunner.run("aot-training-run");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(before, leftovers());
    }

    @Test
    void isHiddenFromHelp() {
        assertFalse(CliRunner.run("--help").out().contains("aot-training-run"));
    }

    private static List<Path> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("headwise-aot-training-")).sorted().toList();
        }
    }
}
