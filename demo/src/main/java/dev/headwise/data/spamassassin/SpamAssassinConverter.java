package dev.headwise.data.spamassassin;

import dev.headwise.HeadwiseException;
import dev.headwise.io.AtomicFiles;
import dev.headwise.io.Json;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns raw emails into labelled text rows and writes them as {@value #CSV_FILE} (RFC 4180) and/or
 * {@value #JSONL_FILE} (one JSON object per line), both with the columns of {@link EmailRow#COLUMNS}.
 */
public final class SpamAssassinConverter {
    public static final String CSV_FILE = "emails.csv";
    public static final String JSONL_FILE = "emails.jsonl";


    private final EmailText parser = new EmailText();

    /**
     * Parses every email, keeping the given order. Duplicates are emails whose subject and body equal
     * an earlier one's; they are counted always and dropped when {@code dedupe} is set.
     */
    public Conversion convert(List<RawEmail> emails, boolean dedupe) {
        List<EmailRow> rows = new ArrayList<>(emails.size());
        Map<String, EmailClass> firstClassByText = new HashMap<>();
        int duplicates = 0;
        int labelConflicts = 0;
        for (RawEmail email : emails) {
            EmailRow row = EmailRow.of(email, parser.parse(email.message()));
            EmailClass first = firstClassByText.putIfAbsent(row.subject() + '\0' + row.body(), row.emailClass());
            if (first != null) {
                duplicates++;
                labelConflicts += first != row.emailClass() ? 1 : 0;
                if (dedupe) {
                    continue;
                }
            }
            rows.add(row);
        }
        return new Conversion(rows, duplicates, labelConflicts, dedupe);
    }

    /**
     * Fails unless {@code outDir} is absent, empty, or {@code overwrite} is set; call it before long work
     * so that a wrong folder is reported at once.
     */
    public static void requireUsableOutput(Path outDir, boolean overwrite) {
        if (overwrite || !Files.exists(outDir)) {
            return;
        }
        if (!Files.isDirectory(outDir)) {
            throw new HeadwiseException("The output path " + outDir + " is a file, not a folder.");
        }
        try (Stream<Path> entries = Files.list(outDir)) {
            if (entries.findAny().isPresent()) {
                throw new HeadwiseException("The output folder " + outDir
                        + " is not empty; choose another folder or pass --overwrite.");
            }
        } catch (IOException e) {
            throw new HeadwiseException("Cannot list the output folder " + outDir + ": " + e.getMessage() + ".", e);
        }
    }

    /** Writes the rows into {@code outDir} (created if needed), each file atomically; returns the files written. */
    public static List<Path> write(List<EmailRow> rows, Path outDir, OutputFormat format, boolean overwrite) {
        requireUsableOutput(outDir, overwrite);
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(outDir);
            if (format.writesCsv()) {
                written.add(writeCsv(rows, outDir.resolve(CSV_FILE)));
            }
            if (format.writesJsonl()) {
                written.add(writeJsonl(rows, outDir.resolve(JSONL_FILE)));
            }
        } catch (IOException e) {
            throw new HeadwiseException("Cannot write the converted emails to " + outDir + ": " + e.getMessage() + ".", e);
        }
        return written;
    }

    private static Path writeCsv(List<EmailRow> rows, Path file) throws IOException {
        CSVFormat csv = CSVFormat.RFC4180.builder().setHeader(EmailRow.COLUMNS.toArray(String[]::new)).get();
        AtomicFiles.writeText(file, writer -> {
            try (CSVPrinter printer = new CSVPrinter(writer, csv)) {
                for (EmailRow row : rows) {
                    printer.printRecord(row.values());
                }
            }
        });
        return file;
    }

    private static Path writeJsonl(List<EmailRow> rows, Path file) throws IOException {
        AtomicFiles.writeText(file, writer -> {
            for (EmailRow row : rows) {
                writer.write(Json.MAPPER.writeValueAsString(row.asMap()));
                writer.write('\n');
            }
        });
        return file;
    }
}
