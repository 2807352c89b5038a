package dev.headwise.data.spamassassin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes small ustar .tgz files laid out like the npm package, for tests. */
public final class TarGzFixture {
    private TarGzFixture() {
    }

    /** Writes the entries (path to content, in map order) as a gzip-compressed ustar archive. */
    public static Path write(Path file, Map<String, byte[]> entries) throws IOException {
        Files.write(file, gzip(tar(entries)));
        return file;
    }

    public static byte[] tar(Map<String, byte[]> entries) {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entries.forEach((path, content) -> {
            tar.writeBytes(header(path, content.length));
            tar.writeBytes(content);
            tar.writeBytes(new byte[(512 - content.length % 512) % 512]);
        });
        tar.writeBytes(new byte[1024]);
        return tar.toByteArray();
    }

    public static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    /** A package/data/GROUP/ID.txt path as in the real package. */
    public static String emailPath(String group, String id, String extension) {
        return "package/data/" + group + "/" + id + "." + extension;
    }

    private static byte[] header(String path, long size) {
        byte[] header = new byte[512];
        put(header, 0, path);
        put(header, 100, "0000644\0");
        put(header, 108, "0000000\0");
        put(header, 116, "0000000\0");
        put(header, 124, String.format("%011o\0", size));
        put(header, 136, "00000000000\0");
        header[156] = '0';
        put(header, 257, "ustar\0");
        put(header, 263, "00");
        put(header, 148, "        ");
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xFF;
        }
        put(header, 148, String.format("%06o\0 ", sum));
        return header;
    }

    private static void put(byte[] header, int offset, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }
}
