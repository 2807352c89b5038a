package dev.headwise.io;

import java.nio.file.Files;
import java.nio.file.Path;

/** A child JVM for {@link AtomicFilesTest}: starts an atomic write, says so, and never finishes it. */
public final class SlowWriteMain {
    private SlowWriteMain() {}

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[1]);
        AtomicFiles.Writer stall = tmp -> {
            if (Files.isDirectory(tmp)) Files.writeString(tmp.resolve("part-0.csv"), "a,b\n");
            else Files.writeString(tmp, "a,b\n");
            System.out.println("writing");
            System.out.flush();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        if (args[0].equals("dir")) AtomicFiles.replaceDirectory(target, false, stall);
        else AtomicFiles.write(target, stall);
    }
}
