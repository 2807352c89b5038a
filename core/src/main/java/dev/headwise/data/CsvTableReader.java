package dev.headwise.data;

import dev.headwise.HeadwiseException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/** RFC 4180 CSV (or the same with tabs) with a header row; quoted fields may hold delimiters, quotes and newlines. */
final class CsvTableReader implements TableReader {
    private final String source;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final List<String> columns;
    /** The line the last parsed record ended on; the next record starts after it. */
    private long lastLine;
    private CSVRecord pending;
    private long pendingLine;

    CsvTableReader(Reader reader, String source, char delimiter) {
        this.source = source;
        CSVFormat format = CSVFormat.RFC4180.builder()
                .setDelimiter(delimiter)
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(false)
                .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
                .setAllowMissingColumnNames(false)
                .get();
        try {
            this.parser = CSVParser.builder().setReader(reader).setFormat(format).get();
        } catch (IOException e) {
            throw TableErrors.readFailure(source, 1, e);
        } catch (UncheckedIOException e) {
            throw TableErrors.readFailure(source, 1, e.getCause());
        } catch (IllegalArgumentException e) {
            throw new HeadwiseException("The header row of " + source + " is invalid: " + e.getMessage(), e);
        }
        this.columns = List.copyOf(parser.getHeaderNames());
        if (columns.isEmpty()) {
            throw new HeadwiseException(source + " is empty; it needs a header row naming its columns.");
        }
        this.lastLine = parser.getCurrentLineNumber();
        this.records = parser.iterator();
    }

    @Override
    public boolean hasNext() {
        try {
            while (pending == null && records.hasNext()) {
                CSVRecord record = records.next();
                pendingLine = lastLine + 1;
                lastLine = parser.getCurrentLineNumber();
                // Blank lines are parsed (not ignored by the format) so that line numbers stay exact, then dropped.
                if (record.size() != 1 || !record.get(0).isEmpty()) {
                    pending = record;
                }
            }
            return pending != null;
        } catch (UncheckedIOException e) {
            throw failure(e.getCause());
        } catch (IllegalStateException e) {
            throw TableErrors.malformed(source, lastLine + 1, problem(e.getCause() != null ? e.getCause() : e), e);
        }
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        CSVRecord record = pending;
        pending = null;
        if (record.size() != columns.size()) {
            throw TableErrors.malformed(source, pendingLine,
                    "it has " + record.size() + " fields but the header has " + columns.size() + " columns", null);
        }
        Map<String, String> values = HashMap.newHashMap(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            values.put(columns.get(i), record.get(i));
        }
        return new Row(source, pendingLine, values);
    }

    /**
     * commons-csv's message in words about the row, without its own line and character counts: the row's
     * first line is the one reported, so that a field spanning lines does not name two.
     */
    private static String problem(Throwable e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Invalid character between encapsulated token and delimiter")) {
            return "a quoted field of this row holds a quote that is not doubled (inside quotes, write \"\" for a quote)";
        }
        if (message.contains("EOF reached before encapsulated token finished")) {
            return "a quote opened in this row is never closed";
        }
        return message.replaceAll("\\(?(start)?line:? ?[\\d,]+\\)?,? ?(position: [\\d,]+)?", "").strip();
    }

    private HeadwiseException failure(IOException e) {
        if (e instanceof CharacterCodingException) {
            return TableErrors.notUtf8(source, lastLine + 1, e);
        }
        return TableErrors.malformed(source, lastLine + 1, problem(e), e);
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException e) {
            throw new HeadwiseException("Cannot close " + source + ": " + e.getMessage() + ".", e);
        }
    }
}
