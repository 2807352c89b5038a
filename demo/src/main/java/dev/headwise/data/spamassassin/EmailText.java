package dev.headwise.data.spamassassin;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Extracts the subject and the readable body text of a raw RFC 822 message.
 *
 * <p>MIME is walked recursively: text parts are decoded (transfer encoding and charset), HTML is reduced
 * to text, {@code multipart/alternative} prefers its plain-text version, attachments and non-text parts
 * are dropped, and all other headers are ignored. Old mail is often malformed, so every failure falls back
 * to something readable (the raw bytes of the part, or of the whole body) instead of an exception.
 */
public final class EmailText {
    // Nested multiparts this deep are not mail a person wrote; stop before the stack does.
    private static final int MAX_DEPTH = 32;
    // Much spam sends an HTML document without declaring it (no Content-Type, or text/plain).
    private static final Pattern HTML_DOCUMENT = Pattern.compile("(?i)<\\s*(html|body)[\\s>]");
    private static final Pattern NOT_BASE64 = Pattern.compile("[^A-Za-z0-9+/]");

    // No properties: the session only parses, it never connects anywhere.
    private final Session session = Session.getInstance(new Properties());

    /** Parses one message; never throws for malformed input. */
    public ParsedEmail parse(byte[] rawMessage) {
        byte[] message = withoutMboxSeparator(rawMessage);
        try {
            MimeMessage mime = new MimeMessage(session, new ByteArrayInputStream(message));
            return new ParsedEmail(subject(mime), TextCleanup.body(text(mime, 0)));
        } catch (MessagingException | IOException | RuntimeException malformed) {
            // Jakarta Mail signals some malformed input with unchecked exceptions; the raw body is still text.
            return new ParsedEmail("", TextCleanup.body(plainOrHtml(rawBody(message))));
        }
    }

    private static String subject(MimeMessage mime) throws MessagingException {
        String raw = mime.getHeader("Subject", null);
        if (raw == null) {
            return "";
        }
        String unfolded = LenientCharset.redecodeHeader(MimeUtility.unfold(raw));
        try {
            return TextCleanup.line(MimeUtility.decodeText(unfolded));
        } catch (UnsupportedEncodingException unknownCharset) {
            return TextCleanup.line(unfolded);
        }
    }

    private String text(Part part, int depth) throws MessagingException, IOException {
        if (depth > MAX_DEPTH || isAttachment(part)) {
            return "";
        }
        if (part.isMimeType("multipart/*")) {
            return multipartText(part, depth);
        }
        if (part.isMimeType("message/rfc822") && part.getContent() instanceof Part embedded) {
            return text(embedded, depth + 1);
        }
        String type = primaryType(part);
        if (type != null && !type.equals("text")) {
            return ""; // images, applications, audio...: nothing to read
        }
        String decoded = LenientCharset.decode(decodedBytes(part), charset(part));
        return part.isMimeType("text/html") ? HtmlText.toText(decoded) : plainOrHtml(decoded);
    }

    private String multipartText(Part part, int depth) throws MessagingException, IOException {
        Multipart multipart;
        try {
            multipart = (Multipart) part.getContent();
            multipart.getCount(); // forces the parse, which is where bad boundaries surface
        } catch (MessagingException | IOException | ClassCastException badBoundary) {
            return plainOrHtml(rawBytes(part));
        }
        List<BodyPart> children = new ArrayList<>();
        for (int i = 0; i < multipart.getCount(); i++) {
            children.add(multipart.getBodyPart(i));
        }
        return part.isMimeType("multipart/alternative")
                ? alternativeText(children, depth + 1)
                : joinedText(children, depth + 1);
    }

    /** The plain-text version when it has any text, otherwise the first other version that does. */
    private String alternativeText(List<BodyPart> versions, int depth) throws MessagingException, IOException {
        for (BodyPart version : versions) {
            if (version.isMimeType("text/plain")) {
                String text = text(version, depth);
                if (!text.isBlank()) {
                    return text;
                }
            }
        }
        for (BodyPart version : versions) {
            String text = text(version, depth);
            if (!text.isBlank()) {
                return text;
            }
        }
        return "";
    }

    private String joinedText(List<BodyPart> parts, int depth) throws MessagingException, IOException {
        List<String> texts = new ArrayList<>();
        for (BodyPart part : parts) {
            String text = text(part, depth);
            if (!text.isBlank()) {
                texts.add(text);
            }
        }
        return String.join("\n\n", texts);
    }

    private static boolean isAttachment(Part part) {
        try {
            return Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition());
        } catch (MessagingException unparseableDisposition) {
            return false;
        }
    }

    /** The primary MIME type in lower case, or null when the Content-Type cannot be parsed. */
    private static String primaryType(Part part) throws MessagingException {
        ContentType type = contentType(part);
        return type == null ? null : type.getPrimaryType().toLowerCase(Locale.ROOT);
    }

    private static String charset(Part part) throws MessagingException {
        ContentType type = contentType(part);
        return type == null ? null : type.getParameter("charset");
    }

    private static ContentType contentType(Part part) throws MessagingException {
        String header = part.getContentType();
        if (header == null) {
            return null;
        }
        try {
            return new ContentType(header);
        } catch (ParseException unparseable) {
            return null;
        }
    }

    /** Content with its transfer encoding undone; falls back to a lenient base64 decoder, then to the raw bytes. */
    private static byte[] decodedBytes(Part part) throws MessagingException {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        } catch (IOException | MessagingException badEncoding) {
            byte[] raw = rawBytes(part);
            String encoding = part instanceof MimeBodyPart body ? body.getEncoding()
                    : part instanceof MimeMessage message ? message.getEncoding() : null;
            return "base64".equalsIgnoreCase(encoding) ? lenientBase64(raw) : raw;
        }
    }

    /** Drops everything outside the base64 alphabet, then decodes, completing or dropping a ragged final group. */
    private static byte[] lenientBase64(byte[] encoded) {
        String alphabet = NOT_BASE64.matcher(new String(encoded, StandardCharsets.ISO_8859_1)).replaceAll("");
        int ragged = alphabet.length() % 4;
        String whole = ragged == 1 ? alphabet.substring(0, alphabet.length() - 1)
                : ragged > 1 ? alphabet + "=".repeat(4 - ragged) : alphabet;
        return Base64.getDecoder().decode(whole);
    }

    private static byte[] rawBytes(Part part) {
        try (InputStream in = part instanceof MimeBodyPart body ? body.getRawInputStream()
                : part instanceof MimeMessage message ? message.getRawInputStream()
                : part.getInputStream()) {
            return in.readAllBytes();
        } catch (IOException | MessagingException unreadable) {
            return new byte[0];
        }
    }

    private static String plainOrHtml(byte[] bytes) {
        return plainOrHtml(LenientCharset.decodeGuessingUtf8(bytes));
    }

    private static String plainOrHtml(String text) {
        return HTML_DOCUMENT.matcher(text).find() ? HtmlText.toText(text) : text;
    }

    /** Mbox files start each message with a "From sender date" line that is not a header. */
    private static byte[] withoutMboxSeparator(byte[] message) {
        if (!startsWith(message, "From ")) {
            return message;
        }
        int newline = indexOf(message, (byte) '\n', 0);
        return newline < 0 ? new byte[0] : Arrays.copyOfRange(message, newline + 1, message.length);
    }

    /** Everything after the first empty line, or nothing when the message is all headers. */
    private static byte[] rawBody(byte[] message) {
        for (int i = indexOf(message, (byte) '\n', 0); i >= 0; i = indexOf(message, (byte) '\n', i + 1)) {
            int next = i + 1;
            if (next < message.length && message[next] == '\r') {
                next++;
            }
            if (next < message.length && message[next] == '\n') {
                return Arrays.copyOfRange(message, next + 1, message.length);
            }
        }
        return new byte[0];
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        byte[] expected = prefix.getBytes(StandardCharsets.US_ASCII);
        return bytes.length >= expected.length && Arrays.equals(bytes, 0, expected.length, expected, 0, expected.length);
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
