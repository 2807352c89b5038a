package dev.headwise.data;

import dev.headwise.HeadwiseException;
import java.util.List;

/**
 * How to read a labeled table.
 *
 * @param textColumns the columns whose values, joined by {@code textSeparator}, form the text (e.g. subject, body)
 * @param textSeparator put between the text columns
 * @param labels where the labels are
 * @param emptyText what to do with rows whose text is blank
 * @param format the file format, or null to take it from the file extension
 */
public record DatasetSpec(List<String> textColumns, String textSeparator, LabelScheme labels, EmptyTextPolicy emptyText,
                          TableFormat format) {
    public static final String DEFAULT_SEPARATOR = "\n";

    public DatasetSpec {
        textColumns = List.copyOf(textColumns);
        if (textColumns.isEmpty()) {
            throw new HeadwiseException("At least one text column is needed.");
        }
        if (textSeparator == null) {
            throw new HeadwiseException("The text separator must not be null.");
        }
        if (labels == null || emptyText == null) {
            throw new HeadwiseException("A dataset needs a label scheme and an empty-text policy.");
        }
    }

    /** One text column, the default separator, errors on empty text, format from the extension. */
    public static DatasetSpec of(String textColumn, LabelScheme labels) {
        return new DatasetSpec(List.of(textColumn), DEFAULT_SEPARATOR, labels, EmptyTextPolicy.ERROR, null);
    }

    /** The text of a row: its text columns joined by the separator. */
    public String text(Row row) {
        if (textColumns.size() == 1) {
            return row.get(textColumns.getFirst());
        }
        return String.join(textSeparator, textColumns.stream().map(row::get).toList());
    }
}
