package dev.headwise.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwise.HeadwiseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static List<Row> readAll(Path path) {
        try (TableReader reader = TableReader.open(path)) {
            return reader.stream().toList();
        }
    }

    @Test
    void readsQuotedCommasQuotesAndNewlinesWithStartLines() throws IOException {
        Path csv = write("news.csv", "text,category\n\"Hello, world\",a\n\"She said \"\"hi\"\"\nand left\",b\nplain,c\n");
        List<Row> rows = readAll(csv);
        assertEquals(3, rows.size());
        assertEquals("Hello, world", rows.get(0).get("text"));
        assertEquals("She said \"hi\"\nand left", rows.get(1).get("text"));
        assertEquals(List.of(2L, 3L, 5L), rows.stream().map(Row::line).toList());
    }

    @Test
    void skipsBomAndHandlesCrlfAndBlankLines() throws IOException {
        Path csv = write("bom.csv", "\uFEFFtext,label\r\none,x\r\n\r\ntwo,y\r\n");
        try (TableReader reader = TableReader.open(csv)) {
            assertEquals(List.of("text", "label"), reader.columns());
            List<Row> rows = reader.stream().toList();
            assertEquals("one", rows.get(0).get("text"));
            assertEquals("y", rows.get(1).get("label"));
            assertEquals(4L, rows.get(1).line());
        }
    }

    @Test
    void readsTsvByExtensionOrOption() throws IOException {
        Path tsv = write("data.tsv", "text\tlabel\na, b\t1\n");
        assertEquals("a, b", readAll(tsv).getFirst().get("text"));
        Path txt = write("data.txt", "text\tlabel\nc\t2\n");
        try (TableReader reader = TableReader.open(txt, TableFormat.TSV)) {
            assertEquals("2", reader.next().get("label"));
        }
    }

    @Test
    void readsJsonLines() throws IOException {
        Path jsonl = write("d.jsonl", "{\"text\":\"hi\",\"labels\":[\"a\",\"b\"],\"n\":3}\n\n{\"text\":\"yo\",\"labels\":[],\"n\":null}\n");
        try (TableReader reader = TableReader.open(jsonl)) {
            assertEquals(List.of("text", "labels", "n"), reader.columns());
            Row first = reader.next();
            assertEquals("[\"a\",\"b\"]", first.get("labels"));
            assertEquals("3", first.get("n"));
            Row second = reader.next();
            assertEquals(3L, second.line());
            HeadwiseException e = assertThrows(HeadwiseException.class, () -> second.get("n"));
            assertTrue(e.getMessage().contains("Line 3 of d.jsonl"), e.getMessage());
        }
    }

    @Test
    void reportsMalformedJsonLineNumber() throws IOException {
        Path jsonl = write("bad.jsonl", "{\"text\":\"hi\"}\n{\"text\":\n");
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> readAll(jsonl));
        assertTrue(e.getMessage().contains("Line 2 of bad.jsonl is malformed"), e.getMessage());
    }

    @Test
    void reportsMissingFile() {
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> TableReader.open(dir.resolve("nope.csv")));
        assertTrue(e.getMessage().contains("nope.csv does not exist"), e.getMessage());
    }

    @Test
    void reportsMissingColumnWithAvailableOnes() throws IOException {
        Path csv = write("cols.csv", "body,label\nx,1\n");
        try (TableReader reader = TableReader.open(csv)) {
            HeadwiseException e = assertThrows(HeadwiseException.class, () -> reader.requireColumns(List.of("text")));
            assertEquals("Column 'text' is not in cols.csv; the available columns are body, label.", e.getMessage());
        }
    }

    @Test
    void reportsRowWithWrongFieldCountByLine() throws IOException {
        Path csv = write("short.csv", "text,label\na,1\n\"multi\nline\",2\nb\n");
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> readAll(csv));
        assertTrue(e.getMessage().startsWith("Line 5 of short.csv is malformed: it has 1 fields"), e.getMessage());
    }

    @Test
    void reportsUnterminatedQuote() throws IOException {
        Path csv = write("quote.csv", "text,label\na,1\n\"never closed,2\n");
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> readAll(csv));
        assertTrue(e.getMessage().startsWith("Line 3 of quote.csv is malformed"), e.getMessage());
    }

    @Test
    void rejectsBytesThatAreNotUtf8() throws IOException {
        Path csv = dir.resolve("latin1.csv");
        Files.write(csv, "text,label\ncaf\u00e9,1\n".getBytes(StandardCharsets.ISO_8859_1));
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> readAll(csv));
        assertTrue(e.getMessage().contains("latin1.csv is not valid UTF-8"), e.getMessage());
    }

    @Test
    void namesTheLineOfTheFirstBadByteFarIntoTheFile() throws IOException {
        var csv = new java.io.ByteArrayOutputStream();
        csv.writeBytes("text,label\n\"two\nlines\",0\n".getBytes(StandardCharsets.UTF_8)); // lines 1-3
        for (int line = 4; line < 151; line++) csv.writeBytes(("r\u00e9sum\u00e9 \uD83D\uDE00 " + line + ",1\n").getBytes(StandardCharsets.UTF_8));
        csv.writeBytes("caf".getBytes(StandardCharsets.UTF_8));
        csv.write(0xE9); // Latin-1 e-acute on line 151
        csv.writeBytes(",1\n".getBytes(StandardCharsets.UTF_8));
        for (int line = 152; line < 400; line++) csv.writeBytes(("fine " + line + ",1\n").getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("late.csv");
        Files.write(file, csv.toByteArray());
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> readAll(file));
        assertEquals("late.csv is not valid UTF-8 (line 151); save it as UTF-8 and try again.", e.getMessage());

        Path jsonl = dir.resolve("late.jsonl");
        String good = "{\"text\": \"ok\", \"label\": \"1\"}\n";
        var bytes = new java.io.ByteArrayOutputStream();
        for (int line = 1; line < 80; line++) bytes.writeBytes(good.getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xFF, '"', '}', '\n'});
        Files.write(jsonl, bytes.toByteArray());
        HeadwiseException j = assertThrows(HeadwiseException.class, () -> readAll(jsonl));
        assertTrue(j.getMessage().contains("(line 80)"), j.getMessage());
    }

    @Test
    void aBrokenQuoteNamesTheLineItsRowStartsOn() throws IOException {
        var sb = new StringBuilder("text,label\n");
        for (int line = 2; line < 52; line++) sb.append("row ").append(line).append(",1\n");
        sb.append("\"quoted\nstill quoted\nand \"more\" here\",1\n"); // lines 52-54: an undoubled quote on 54
        sb.append("after,1\n");
        Path csv = write("quotes.csv", sb.toString());
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> readAll(csv));
        assertTrue(e.getMessage().startsWith("Line 52 of quotes.csv is malformed"), e.getMessage());
        assertTrue(!e.getMessage().matches("(?s).*line:? ?5[34].*"), "one line only: " + e.getMessage());
        assertTrue(e.getMessage().contains("not doubled"), e.getMessage());
    }
}
