package dev.headwise.data.spamassassin;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmailTextTest {
    private final EmailText emailText = new EmailText();

    private ParsedEmail parse(String resource) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/spamassassin/" + resource)) {
            return emailText.parse(in.readAllBytes());
        }
    }

    @Test
    void alternativePrefersPlainTextAndSkipsTheMboxLineAndPreamble() throws IOException {
        ParsedEmail email = parse("alternative.eml");
        assertEquals("Meeting notes", email.subject());
        assertEquals("Plain version: the meeting moved to Tuesday.", email.body());
    }

    @Test
    void decodesBase64TextPart() throws IOException {
        assertEquals("Grüße aus Köln – the body was base64.", parse("base64.eml").body());
    }

    @Test
    void decodesQuotedPrintableSoftBreaksAndLatin1Bytes() throws IOException {
        ParsedEmail email = parse("quoted-printable.eml");
        assertEquals("Le café est prêt. This sentence is long enough that the sender's mailer broke it with a soft line break.\n"
                + "Tab and equals = sign.", email.body());
    }

    @Test
    void htmlOnlyDropsScriptStyleAndHeadAndDecodesEntities() throws IOException {
        ParsedEmail email = parse("html-only.eml");
        assertEquals("Café & bar <open>\n\nSecond paragraph\nnew line\n\nThird", email.body());
    }

    @Test
    void decodesDeclaredKoi8rBodyAndEncodedWordSubject() throws IOException {
        ParsedEmail email = parse("koi8r.eml");
        assertEquals("Съешь же ещё этих булок", email.subject());
        assertEquals("Привет, это письмо в кодировке KOI8-R.", email.body());
    }

    @Test
    void dropsAttachmentsAndNonTextParts() throws IOException {
        ParsedEmail email = parse("attachment.eml");
        assertEquals("Report für Q3", email.subject());
        assertEquals("Please find the report attached.", email.body());
    }

    @Test
    void badBoundaryAndUnknownCharsetStillGiveTheText() throws IOException {
        String body = parse("malformed.eml").body();
        assertTrue(body.contains("Still readable text with a “smart quote” and café."), body);
    }

    @Test
    void undeclaredHtmlIsStrippedAndWindows1252Guessed() throws IOException {
        ParsedEmail email = parse("undeclared.eml");
        assertEquals("Wholesale “deals”\nClick here", email.body());
    }

    @Test
    void brokenTransferEncodingsFallBackToReadableText() throws IOException {
        ParsedEmail email = parse("bad-encoding.eml");
        assertEquals("=?x-unknown-charset?Q?kept_as_is?=", email.subject());
        assertTrue(email.body().startsWith("Hello from a broken base64 part"), email.body());
        assertTrue(email.body().endsWith("Raw text behind an unknown transfer encoding."), email.body());
    }

    @Test
    void rawUtf8SubjectIsNotMojibake() {
        byte[] message = "Subject: Grüße\n\nbody\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(new ParsedEmail("Grüße", "body"), emailText.parse(message));
    }

    @Test
    void garbageNeverThrows() {
        byte[][] inputs = {
                new byte[0],
                "no headers and no blank line".getBytes(StandardCharsets.US_ASCII),
                "Content-Type: multipart/mixed\n\n--x\n".getBytes(StandardCharsets.US_ASCII),
                "Content-Type: ;;;===\nContent-Transfer-Encoding: base64\n\n!!!!\n".getBytes(StandardCharsets.US_ASCII),
                {(byte) 0xFF, (byte) 0xFE, 0, 1, 2, '\n', '\n', (byte) 0x80},
        };
        for (byte[] input : inputs) {
            ParsedEmail email = emailText.parse(input);
            assertFalse(email.body().contains("\u0000"));
        }
    }
}
