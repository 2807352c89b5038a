package dev.headwise.cli;

import dev.headwise.data.spamassassin.TarGzFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final List<String> errors = new ArrayList<>();

    private int run(String... args) {
        CommandLine commandLine = new CommandLine(new DatasetCommand());
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(new StringWriter()));
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            errors.add(e.getMessage());
            return 1;
        });
        return commandLine.execute(args);
    }

    @Test
    void convertsAPackageFileToJsonlOnly() throws IOException {
        Path archive = TarGzFixture.write(dir.resolve("p.tgz"), Map.of(
                TarGzFixture.emailPath("spam-1", "00001.a", "txt"), "Subject: hi\n\nbuy".getBytes(StandardCharsets.UTF_8)));
        Path target = dir.resolve("out");

        assertEquals(0, run("spamassassin", "--package", archive.toString(), "--out", target.toString(), "--format", "jsonl"));
        assertTrue(Files.readString(target.resolve("emails.jsonl")).contains("\"label\":\"spam.spam\""));
        assertFalse(Files.exists(target.resolve("emails.csv")));
        assertTrue(out.toString().contains("group spam-1: 1"), out.toString());
    }

    @Test
    void nonEmptyOutIsRefusedBeforeAnyWork() throws IOException {
        Path target = Files.createDirectories(dir.resolve("out"));
        Files.writeString(target.resolve("keep.txt"), "x");
        // the missing package would fail too, but the output folder is checked first
        assertEquals(1, run("spamassassin", "--package", dir.resolve("missing.tgz").toString(), "--out", target.toString()));
        assertEquals(1, errors.size());
        assertTrue(errors.getFirst().contains("--overwrite"), errors.getFirst());
    }

    @Test
    void helpAndUsageErrors() {
        assertEquals(0, run("spamassassin", "--help"));
        assertTrue(out.toString().contains("--format"), out.toString());
        assertEquals(2, run("spamassassin", "--out", dir.toString(), "--format", "xml"));
        assertEquals(2, run());
    }
}
