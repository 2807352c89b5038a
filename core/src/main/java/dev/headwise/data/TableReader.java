package dev.headwise.data;

import dev.headwise.HeadwiseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Streams the rows of a CSV, TSV or JSON Lines file, strictly decoded as UTF-8 (a leading byte order mark is
 * skipped). Every problem with the file ends in a {@link HeadwiseException} naming the file and, where known,
 * the line.
 */
public sealed interface TableReader extends Iterator<Row>, AutoCloseable permits CsvTableReader, JsonLinesTableReader {

    /** Opens {@code path} in the format its extension names. */
    static TableReader open(Path path) {
        return open(path, TableFormat.of(path));
    }

    static TableReader open(Path path, TableFormat format) {
        BufferedReader reader = openUtf8(path);
        try {
            return switch (format) {
                case CSV -> new CsvTableReader(reader, path.getFileName().toString(), ',');
                case TSV -> new CsvTableReader(reader, path.getFileName().toString(), '\t');
                case JSONL -> new JsonLinesTableReader(reader, path.getFileName().toString());
            };
        } catch (RuntimeException e) {
            closeQuietly(reader, e);
            throw e;
        }
    }

    /** The file name used in messages. */
    String source();

    /** The column names: the header of a CSV/TSV file, the keys of the first object of a JSON Lines file. */
    List<String> columns();

    /** Fails with a message listing the available columns unless every one of {@code required} exists. */
    default void requireColumns(List<String> required) {
        for (String column : required) {
            if (!columns().contains(column)) {
                throw new HeadwiseException("Column '" + column + "' is not in " + source() + "; the available columns are "
                        + String.join(", ", columns()) + ".");
            }
        }
    }

    /** The remaining rows as a sequential stream; closing the stream closes this reader. */
    default Stream<Row> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    @Override
    void close();

    private static BufferedReader openUtf8(Path path) {
        try {
            var reader = new BufferedReader(new Utf8Reader(Files.newInputStream(path)));
            reader.mark(1);
            if (reader.read() != '\uFEFF') {
                reader.reset();
            }
            return reader;
        } catch (NoSuchFileException e) {
            throw new HeadwiseException("The data file " + path + " does not exist.", e);
        } catch (CharacterCodingException e) {
            throw TableErrors.notUtf8(path.getFileName().toString(), 1, e);
        } catch (IOException e) {
            throw new HeadwiseException("Cannot read the data file " + path + ": " + e.getMessage() + ".", e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable, Exception primary) {
        try {
            closeable.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }
}
