package dev.headwise.data.spamassassin;

import java.util.Objects;

/**
 * One message of the corpus as shipped.
 *
 * @param id      the corpus file name without extension, e.g. {@code 00001.7c53336b37003a9286aba55d2945844c}
 *                (number within the group, then the MD5 of the message); unique within its group
 * @param group   the corpus group, e.g. {@code easy-ham-1}
 * @param message the raw RFC 822 bytes (mbox "From " line included)
 */
public record RawEmail(String id, String group, byte[] message) {
    public RawEmail {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(message, "message");
    }

    public EmailClass emailClass() {
        return EmailClass.ofGroup(group);
    }
}
