package dev.headwise.data.spamassassin;

import dev.headwise.HeadwiseException;

import java.util.Locale;

/** Which files a conversion writes. */
public enum OutputFormat {
    CSV, JSONL, BOTH;

    public boolean writesCsv() {
        return this != JSONL;
    }

    public boolean writesJsonl() {
        return this != CSV;
    }

    /** Parses {@code csv}, {@code jsonl} or {@code both}, in any case. */
    public static OutputFormat parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HeadwiseException("The output format '" + name + "' is unknown; use csv, jsonl or both.");
        }
    }
}
