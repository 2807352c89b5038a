package dev.headwise.data.spamassassin;

import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.headwise.data.spamassassin.TarGzFixture.emailPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpamAssassinConverterTest {
    @TempDir
    Path dir;

    private static byte[] email(String subject, String body) {
        return ("From x@example.org  Thu Aug 22 12:36:23 2002\nSubject: " + subject + "\n\n" + body + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A fake package with the real layout: every email as .txt plus a .json copy. */
    private Path fakePackage() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        put(entries, "spam-2", "00001.f1", email("WIN \"money\", now", "Click, \"here\"\nsecond line"));
        put(entries, "easy-ham-1", "00002.e2", email("Re: build", "It works."));
        put(entries, "easy-ham-1", "00001.e1", email("Re: build", "It works."));
        put(entries, "hard-ham-1", "00001.h1", email("Newsletter", "Unsubscribe here"));
        put(entries, "spam-1", "00001.s1", email("Cheap", "Buy now"));
        put(entries, "easy-ham-2", "00001.e3", email("Lunch?", "Noon at the usual place"));
        return TarGzFixture.write(dir.resolve("fake.tgz"), entries);
    }

    private static void put(Map<String, byte[]> entries, String group, String id, byte[] message) {
        entries.put(emailPath(group, id, "txt"), message);
        entries.put(emailPath(group, id, "json"), ("{\"id\":\"" + id + "\",\"group\":\"" + group + "\",\"text\":\"ignored\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void convertsLabelsCountsAndDuplicates() throws IOException {
        Conversion conversion = new SpamAssassinConverter().convert(SpamAssassinCorpus.read(fakePackage()), false);

        assertEquals(List.of("easy-ham-1/00001.e1", "easy-ham-1/00002.e2", "easy-ham-2/00001.e3", "hard-ham-1/00001.h1",
                        "spam-1/00001.s1", "spam-2/00001.f1"),
                conversion.rows().stream().map(r -> r.group() + "/" + r.id()).toList());
        assertEquals(Map.of("easy-ham-1", 2L, "easy-ham-2", 1L, "hard-ham-1", 1L, "spam-1", 1L, "spam-2", 1L),
                conversion.countsPerGroup());
        assertEquals(Map.of("ham.easy_ham", 3L, "ham.hard_ham", 1L, "spam.spam", 2L), conversion.countsPerLabel());
        assertEquals(1, conversion.duplicates());
        assertEquals(0, conversion.labelConflicts());
        assertTrue(conversion.summary().contains("spam-2: 1"), conversion.summary());
    }

    @Test
    void dedupeDropsLaterCopies() throws IOException {
        Conversion conversion = new SpamAssassinConverter().convert(SpamAssassinCorpus.read(fakePackage()), true);
        assertEquals(5, conversion.rows().size());
        assertEquals(1, conversion.duplicates());
        assertFalse(conversion.rows().stream().anyMatch(r -> r.id().equals("00002.e2")));
    }

    @Test
    void csvAndJsonlRoundTrip() throws IOException {
        List<EmailRow> rows = new SpamAssassinConverter().convert(SpamAssassinCorpus.read(fakePackage()), false).rows();
        Path out = dir.resolve("out");
        List<Path> written = SpamAssassinConverter.write(rows, out, OutputFormat.BOTH, false);
        assertEquals(List.of(out.resolve("emails.csv"), out.resolve("emails.jsonl")), written);

        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader reader = Files.newBufferedReader(out.resolve("emails.csv"));
             CSVParser parser = CSVParser.parse(reader, format)) {
            assertEquals(List.of("id", "group", "subject", "body", "level1", "level2", "label"), parser.getHeaderNames());
            List<CSVRecord> records = parser.getRecords();
            assertEquals(6, records.size());
            CSVRecord spam = records.get(5);
            assertEquals("00001.f1", spam.get("id"));
            assertEquals("spam-2", spam.get("group"));
            assertEquals("WIN \"money\", now", spam.get("subject"));
            assertEquals("Click, \"here\"\nsecond line", spam.get("body"));
            assertEquals("spam", spam.get("level1"));
            assertEquals("spam", spam.get("level2"));
            assertEquals("spam.spam", spam.get("label"));
            assertEquals("ham.hard_ham", records.get(3).get("label"));
        }

        List<String> lines = Files.readAllLines(out.resolve("emails.jsonl"));
        assertEquals(6, lines.size());
        Map<?, ?> first = Json.MAPPER.readValue(lines.getFirst(), Map.class);
        assertEquals(Map.of("id", "00001.e1", "group", "easy-ham-1", "subject", "Re: build", "body", "It works.",
                "level1", "ham", "level2", "easy_ham", "label", "ham.easy_ham"), first);
        try (var files = Files.list(out)) {
            assertEquals(2, files.count(), "no temporary files are left");
        }
    }

    @Test
    void nonEmptyOutputNeedsOverwrite() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("emails.csv"), "old");
        List<EmailRow> rows = List.of(new EmailRow("1", "spam-1", "s", "b", EmailClass.SPAM));

        HeadwiseException e = assertThrows(HeadwiseException.class,
                () -> SpamAssassinConverter.write(rows, out, OutputFormat.CSV, false));
        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        assertEquals("old", Files.readString(out.resolve("emails.csv")));

        SpamAssassinConverter.write(rows, out, OutputFormat.CSV, true);
        assertTrue(Files.readString(out.resolve("emails.csv")).contains("spam.spam"));
        assertFalse(Files.exists(out.resolve("emails.jsonl")), "csv format writes no jsonl");
    }

    @Test
    void formatsParseInAnyCase() {
        assertEquals(OutputFormat.JSONL, OutputFormat.parse("JsonL"));
        assertThrows(HeadwiseException.class, () -> OutputFormat.parse("xml"));
    }

    @Test
    void bodyLengthPercentilesUseNearestRank() {
        List<EmailRow> rows = List.of(1, 2, 3, 4, 10).stream()
                .map(n -> new EmailRow(n.toString(), "spam-1", "", "x".repeat(n), EmailClass.SPAM)).toList();
        Conversion conversion = new Conversion(rows, 0, 0, false);
        assertEquals(3, conversion.bodyLengthPercentile(50));
        assertEquals(10, conversion.bodyLengthPercentile(95));
        assertEquals(0, conversion.emptyBodies());
    }
}
