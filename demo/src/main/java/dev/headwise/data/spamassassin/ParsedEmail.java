package dev.headwise.data.spamassassin;

import java.util.Objects;

/**
 * The text a classifier sees of one email: its decoded subject and its body as plain text.
 *
 * @param subject the decoded Subject header, whitespace collapsed; empty when the message has none
 * @param body    the readable text of the message (text parts, HTML stripped), whitespace normalised
 */
public record ParsedEmail(String subject, String body) {
    public ParsedEmail {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
    }
}
