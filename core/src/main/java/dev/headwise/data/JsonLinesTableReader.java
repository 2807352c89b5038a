package dev.headwise.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * JSON Lines: one JSON object per line, blank lines ignored. Strings are taken as they are, numbers and booleans
 * as their JSON text, arrays and objects as compact JSON (so a list column may hold {@code ["a","b"]}); null
 * values count as absent.
 */
final class JsonLinesTableReader implements TableReader {

    private final BufferedReader reader;
    private final String source;
    private final List<String> columns;
    private long line;
    private Row pending;
    /** The keys of the first object, in file order: they are the columns. */
    private List<String> firstKeys;

    JsonLinesTableReader(BufferedReader reader, String source) {
        this.reader = reader;
        this.source = source;
        this.pending = readRow();
        this.columns = firstKeys == null ? List.of() : List.copyOf(firstKeys);
    }

    private Row readRow() {
        try {
            String text;
            do {
                text = reader.readLine();
                line++;
            } while (text != null && text.isBlank());
            return text == null ? null : parse(text);
        } catch (IOException e) {
            throw TableErrors.readFailure(source, line, e);
        }
    }

    private Row parse(String text) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw TableErrors.malformed(source, line, "it is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (!node.isObject()) {
            throw TableErrors.malformed(source, line, "it holds a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT) + ", not an object", null);
        }
        Map<String, String> values = new HashMap<>();
        if (firstKeys == null) {
            firstKeys = new ArrayList<>();
            node.fieldNames().forEachRemaining(firstKeys::add);
        }
        for (var field : node.properties()) {
            JsonNode value = field.getValue();
            if (!value.isNull()) {
                values.put(field.getKey(), value.isValueNode() ? value.asText() : value.toString());
            }
        }
        return new Row(source, line, values);
    }

    @Override
    public boolean hasNext() {
        return pending != null;
    }

    @Override
    public Row next() {
        if (pending == null) {
            throw new NoSuchElementException();
        }
        Row row = pending;
        pending = readRow();
        return row;
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
            reader.close();
        } catch (IOException e) {
            throw new HeadwiseException("Cannot close " + source + ": " + e.getMessage() + ".", e);
        }
    }
}
