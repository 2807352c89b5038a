package dev.headwise.data.spamassassin;

import jakarta.mail.internet.MimeUtility;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Set;

/**
 * Decodes bytes whose declared charset may be missing, unknown or wrong, as in much real mail.
 *
 * <p>Labels that old mail clients used loosely (none, US-ASCII, ISO-8859-1, UTF-8) are treated as a
 * hint only: the bytes become UTF-8 when they are valid UTF-8, otherwise windows-1252 (a superset of
 * ISO-8859-1's printable range that also covers the "smart quotes" Outlook sent under a Latin-1 label).
 * Any other charset Java knows (KOI8-R, GB2312, Shift_JIS...) is used as declared.
 */
final class LenientCharset {
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final Set<Charset> LOOSE_LABELS =
            Set.of(StandardCharsets.US_ASCII, StandardCharsets.ISO_8859_1, StandardCharsets.UTF_8, WINDOWS_1252);

    private LenientCharset() {
    }

    /** Decodes {@code bytes} under the declared charset name ({@code null} when none was declared). */
    static String decode(byte[] bytes, String declaredCharset) {
        Charset declared = resolve(declaredCharset);
        if (declared != null && !LOOSE_LABELS.contains(declared)) {
            return new String(bytes, declared);
        }
        return decodeGuessingUtf8(bytes);
    }

    /** UTF-8 when the bytes are valid UTF-8, windows-1252 otherwise; never fails. */
    static String decodeGuessingUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(bytes, WINDOWS_1252);
        }
    }

    /** Re-reads a header that Jakarta Mail decoded byte-per-char as ISO-8859-1, guessing its real charset. */
    static String redecodeHeader(String latin1Header) {
        CharBuffer chars = CharBuffer.wrap(latin1Header);
        for (int i = 0; i < chars.length(); i++) {
            if (chars.charAt(i) > 0xFF) {
                return latin1Header; // not a byte-per-char string; leave it alone
            }
        }
        return decodeGuessingUtf8(latin1Header.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Charset resolve(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        try {
            return Charset.forName(MimeUtility.javaCharset(name.trim()));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException unknown) {
            return null;
        }
    }
}
