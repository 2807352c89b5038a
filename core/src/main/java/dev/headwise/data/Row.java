package dev.headwise.data;

import dev.headwise.HeadwiseException;
import java.util.Map;

/**
 * One record of a table file: its values by column name and the line it starts on, kept for error messages.
 *
 * @param source the file name, for messages
 * @param line the 1-based line number where the record starts
 * @param values the values by column name (missing JSON values are absent)
 */
public record Row(String source, long line, Map<String, String> values) {
    public Row {
        values = Map.copyOf(values);
    }

    /** The value of {@code column}; a column this row lacks is an error naming the file and line. */
    public String get(String column) {
        String value = values.get(column);
        if (value == null) {
            throw new HeadwiseException("Line " + line + " of " + source + " has no value for column '" + column + "'.");
        }
        return value;
    }
}
