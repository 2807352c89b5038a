package dev.headwise.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident set size (Linux {@code VmHWM}): Java heap, JVM and native tensors together. */
public final class PeakMemory {
    private PeakMemory() {}

    /** Peak RSS in MiB, or NaN where {@code /proc/self/status} does not exist (not Linux). */
    public static double peakRssMb() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst()
                    .orElseThrow() / 1024.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
