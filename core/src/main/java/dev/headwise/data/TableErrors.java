package dev.headwise.data;

import dev.headwise.HeadwiseException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;

/** The messages the table readers share. */
final class TableErrors {
    private TableErrors() {}

    /** {@code line} is the parser's guess, used only when the decoder did not say where the bad byte is. */
    static HeadwiseException notUtf8(String source, long line, Exception cause) {
        String where = cause instanceof Utf8Reader.BadByte bad ? "line " + bad.line : "near line " + line;
        return new HeadwiseException(source + " is not valid UTF-8 (" + where + "); save it as UTF-8 and try again.", cause);
    }

    /** An I/O failure while reading: bad encoding, or a read error. */
    static HeadwiseException readFailure(String source, long line, IOException e) {
        if (e instanceof CharacterCodingException) {
            return notUtf8(source, line, e);
        }
        return new HeadwiseException("Cannot read " + source + " near line " + line + ": " + e.getMessage() + ".", e);
    }

    static HeadwiseException malformed(String source, long line, String problem, Exception cause) {
        return new HeadwiseException("Line " + line + " of " + source + " is malformed: " + problem + ".", cause);
    }
}
