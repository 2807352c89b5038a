package dev.headwise.data.spamassassin;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The converted rows and what the conversion found out about them.
 *
 * @param rows           the rows, in corpus order (group, then id)
 * @param duplicates     rows whose subject and body repeat an earlier row's (counted before any dedupe)
 * @param labelConflicts of those duplicates, how many repeat a row of another label
 * @param deduplicated   whether the duplicates were dropped from {@code rows}
 */
public record Conversion(List<EmailRow> rows, int duplicates, int labelConflicts, boolean deduplicated) {
    public Conversion {
        rows = List.copyOf(rows);
    }

    public Map<String, Long> countsPerGroup() {
        return counts(EmailRow::group);
    }

    public Map<String, Long> countsPerLabel() {
        return counts(row -> row.emailClass().label());
    }

    /** Rows whose body came out empty (e.g. messages holding only an image or an attachment). */
    public long emptyBodies() {
        return rows.stream().filter(row -> row.body().isEmpty()).count();
    }

    /** The body length in characters (code points) at the given percentile, nearest rank; 0 when there are no rows. */
    public int bodyLengthPercentile(double percentile) {
        int[] lengths = rows.stream().mapToInt(row -> row.body().codePointCount(0, row.body().length())).sorted().toArray();
        if (lengths.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(percentile / 100 * lengths.length);
        return lengths[Math.clamp(rank - 1, 0, lengths.length - 1)];
    }

    /** A few lines for the user: counts per group and label, duplicates, body lengths. */
    public String summary() {
        StringBuilder text = new StringBuilder();
        text.append("emails: ").append(rows.size()).append('\n');
        countsPerGroup().forEach((group, n) -> text.append("  group ").append(group).append(": ").append(n).append('\n'));
        countsPerLabel().forEach((label, n) -> text.append("  label ").append(label).append(": ").append(n).append('\n'));
        text.append("duplicates (same subject and body as an earlier email): ").append(duplicates)
                .append(", of which with another label: ").append(labelConflicts)
                .append(deduplicated ? " (dropped)" : " (kept; --dedupe drops them)").append('\n');
        text.append("body length in characters: median ").append(bodyLengthPercentile(50))
                .append(", 95th percentile ").append(bodyLengthPercentile(95))
                .append("; empty bodies: ").append(emptyBodies());
        return text.toString();
    }

    private Map<String, Long> counts(Function<EmailRow, String> key) {
        return rows.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
    }
}
