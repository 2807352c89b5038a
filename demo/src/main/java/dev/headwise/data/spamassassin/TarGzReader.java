package dev.headwise.data.spamassassin;

import dev.headwise.HeadwiseException;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Streams the regular files of a gzip-compressed tar archive (ustar, with pax and GNU long names), as npm
 * packs them. Nothing is extracted to disk, so entry names such as {@code ../x} cannot escape anywhere;
 * callers match names against what they expect.
 */
final class TarGzReader implements Closeable {
    private static final int BLOCK = 512;

    /** An entry's path inside the archive and its size in bytes. */
    record Entry(String path, long size) {
    }

    private final Path archive;
    private final InputStream in;
    private long remaining; // unread content bytes of the current entry
    private long padding;   // bytes after the content up to the next block boundary
    private String pendingLongName;

    TarGzReader(Path archive) {
        this.archive = archive;
        try {
            this.in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)), 1 << 16);
        } catch (ZipException notGzip) {
            throw new HeadwiseException("The file " + archive + " is not a gzip-compressed tar archive (.tgz).", notGzip);
        } catch (IOException e) {
            throw new HeadwiseException("Cannot read the archive " + archive + ": " + e.getMessage() + ".", e);
        }
    }

    /** The next regular file, or null at the end of the archive. */
    Entry next() {
        try {
            skip(remaining + padding);
            while (true) {
                byte[] header = new byte[BLOCK];
                if (!readBlockOrEnd(header) || isZero(header)) {
                    return null;
                }
                verifyChecksum(header);
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                String path = pendingLongName != null ? pendingLongName : ustarName(header);
                switch (type) {
                    case 'L' -> pendingLongName = trimNul(new String(content(size), StandardCharsets.UTF_8));
                    case 'x' -> pendingLongName = paxPath(new String(content(size), StandardCharsets.UTF_8), pendingLongName);
                    case '0', '\0', '7' -> {
                        pendingLongName = null;
                        startContent(size);
                        return new Entry(path, size);
                    }
                    default -> { // directories, links, global pax headers: nothing to read
                        pendingLongName = null;
                        skip(size + pad(size));
                    }
                }
            }
        } catch (IOException e) {
            throw corrupt(e.getMessage());
        }
    }

    /** The current entry's content; refuses entries larger than {@code maxBytes}. */
    byte[] readContent(int maxBytes) {
        if (remaining > maxBytes) {
            throw new HeadwiseException("The entry of " + remaining + " bytes in " + archive
                    + " is larger than the " + maxBytes + " bytes expected of one file.");
        }
        try {
            byte[] data = in.readNBytes((int) remaining);
            if (data.length < remaining) {
                throw corrupt("it ends inside an entry");
            }
            remaining = 0;
            return data;
        } catch (IOException e) {
            throw corrupt(e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // read-only stream: nothing was lost
        }
    }

    private byte[] content(long size) throws IOException {
        startContent(size);
        byte[] data = readContent(1 << 20);
        skip(padding);
        padding = 0;
        return data;
    }

    private void startContent(long size) {
        remaining = size;
        padding = pad(size);
    }

    private boolean readBlockOrEnd(byte[] block) throws IOException {
        int read = in.readNBytes(block, 0, BLOCK);
        if (read == 0) {
            return false; // some writers omit the two zero blocks
        }
        if (read < BLOCK) {
            throw corrupt("it ends inside a header");
        }
        return true;
    }

    private void skip(long bytes) throws IOException {
        try {
            in.skipNBytes(bytes);
        } catch (EOFException e) {
            throw corrupt("it ends inside an entry");
        }
        remaining = 0;
        padding = 0;
    }

    private void verifyChecksum(byte[] header) {
        long stored = octal(header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xFF);
        }
        if (sum != stored) {
            throw corrupt("a header checksum does not match");
        }
    }

    private long octal(byte[] header, int offset, int length) {
        String field = trimNul(new String(header, offset, length, StandardCharsets.US_ASCII)).trim();
        if (field.isEmpty()) {
            return 0;
        }
        try {
            long value = Long.parseLong(field, 8);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException notOctal) {
            // reported below, like a negative number
        }
        throw corrupt("a header holds the invalid number '" + field + "'");
    }

    private static String ustarName(byte[] header) {
        String name = trimNul(new String(header, 0, 100, StandardCharsets.UTF_8));
        boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? trimNul(new String(header, 345, 155, StandardCharsets.UTF_8)) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** Pax records are "LENGTH key=value\n"; only the path matters here. */
    private static String paxPath(String records, String fallback) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return fallback;
    }

    private static long pad(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String trimNul(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    private HeadwiseException corrupt(String why) {
        return new HeadwiseException("The archive " + archive + " is corrupt or truncated: " + why + ".");
    }
}
