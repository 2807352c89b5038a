package dev.headwise.spark;

import dev.headwise.HeadwiseException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A model directory as one zip for {@code SparkContext.addArchive}, which unpacks it on each executor
 * (Spark ships no local directory to a cluster). Only the directory's own files go in: a run folder's
 * checkpoints stay behind.
 */
final class ModelArchive {
    private ModelArchive() {}

    /** Writes the zip to a temporary file, deleted when this JVM exits; its name is unique to the directory and its files' times. */
    static Path of(Path dir) {
        try {
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(Files::isRegularFile).sorted().toList();
            }
            var key = new StringBuilder(dir.toRealPath().toString());
            for (Path f : files) key.append('\n').append(f.getFileName()).append(' ').append(Files.getLastModifiedTime(f).toMillis());
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Path zip = Files.createTempDirectory("headwise-model").resolve("model-" + HexFormat.of().formatHex(hash, 0, 8) + ".zip");
            zip.toFile().deleteOnExit();
            zip.getParent().toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(zip); var z = new ZipOutputStream(out)) {
                // Weights hardly compress; the fastest level keeps the zip quick to write.
                z.setLevel(Deflater.BEST_SPEED);
                for (Path f : files) {
                    z.putNextEntry(new ZipEntry(f.getFileName().toString()));
                    Files.copy(f, z);
                    z.closeEntry();
                }
            }
            return zip;
        } catch (IOException e) {
            throw new HeadwiseException("could not pack " + dir + " for the executors: " + e.getMessage(), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
