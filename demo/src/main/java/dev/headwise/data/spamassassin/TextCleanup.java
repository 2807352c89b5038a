package dev.headwise.data.spamassassin;

import java.util.regex.Pattern;

/** Whitespace normalisation shared by subjects and bodies. */
final class TextCleanup {
    // C0/C1 controls other than tab and newline, plus zero-width characters and the BOM: invisible noise.
    private static final Pattern INVISIBLE = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F\\u200B-\\u200D\\u2060\\uFEFF]");
    private static final Pattern HORIZONTAL_SPACE = Pattern.compile("[\\t \\u00A0\\u2000-\\u200A\\u202F\\u205F\\u3000]+");
    private static final Pattern SPACE_AROUND_NEWLINE = Pattern.compile(" ?\\n ?");
    private static final Pattern BLANK_LINE_RUN = Pattern.compile("\\n{3,}");
    private static final Pattern ANY_WHITESPACE = Pattern.compile("\\s+");

    private TextCleanup() {
    }

    /**
     * Multi-line text: unifies line breaks, drops invisible characters, collapses runs of spaces within
     * a line, strips each line, keeps at most one blank line between paragraphs and trims the result.
     */
    static String body(String text) {
        String unified = text.replace("\r\n", "\n").replace('\r', '\n');
        String visible = INVISIBLE.matcher(unified).replaceAll("");
        String spaced = HORIZONTAL_SPACE.matcher(visible).replaceAll(" ");
        String stripped = SPACE_AROUND_NEWLINE.matcher(spaced).replaceAll("\n");
        return BLANK_LINE_RUN.matcher(stripped).replaceAll("\n\n").strip();
    }

    /** Single-line text: every whitespace run becomes one space. */
    static String line(String text) {
        String visible = INVISIBLE.matcher(text).replaceAll("");
        return ANY_WHITESPACE.matcher(visible.replace('\u00A0', ' ')).replaceAll(" ").strip();
    }
}
