package dev.headwise.data.spamassassin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One converted email: identity, text and labels, as written to {@code emails.csv} and {@code emails.jsonl}. */
public record EmailRow(String id, String group, String subject, String body, EmailClass emailClass) {
    /** The output columns, in order. */
    public static final List<String> COLUMNS = List.of("id", "group", "subject", "body", "level1", "level2", "label");

    public static EmailRow of(RawEmail email, ParsedEmail parsed) {
        return new EmailRow(email.id(), email.group(), parsed.subject(), parsed.body(), email.emailClass());
    }

    /** The values of {@link #COLUMNS}, in the same order. */
    public List<String> values() {
        return List.of(id, group, subject, body, emailClass.level1(), emailClass.level2(), emailClass.label());
    }

    /** Column name to value, in column order. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        List<String> values = values();
        for (int i = 0; i < COLUMNS.size(); i++) {
            map.put(COLUMNS.get(i), values.get(i));
        }
        return map;
    }
}
