package dev.headwise.train;

import dev.headwise.HeadwiseException;
import dev.headwise.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A training run's output folder. The run is built in a hidden sibling, {@code .<name>.partial}, and
 * renamed to the run's folder only when it has finished, so a rejected, failed or interrupted run never
 * leaves a half-written {@code --out} (nor replaces an existing one). An interrupted run stays in the
 * sibling for {@code --resume}.
 */
public final class RunFolder {
    /** What the command should do with the folders it found. */
    public enum Plan { FRESH, RESUME, FINISHED }

    private final Path target;
    private final Path work;
    private final Plan plan;

    private RunFolder(Path target, Plan plan) {
        this.target = target;
        Path abs = target.toAbsolutePath();
        this.work = abs.resolveSibling("." + abs.getFileName() + ".partial");
        this.plan = plan;
    }

    /** Checks the folders against --resume and --overwrite; writes nothing. */
    public static RunFolder plan(Path out, boolean resume, boolean overwrite) {
        if (resume && overwrite) throw new HeadwiseException("give --resume or --overwrite, not both.");
        if (Files.exists(out) && !Files.isDirectory(out)) throw new HeadwiseException(out + " exists and is not a directory.");
        var probe = new RunFolder(out, Plan.FRESH);
        boolean finished = nonEmpty(out);
        boolean interrupted = Files.isDirectory(probe.work);
        if (resume) return new RunFolder(out, interrupted ? Plan.RESUME : finished ? Plan.FINISHED : Plan.FRESH);
        if (!overwrite && interrupted) {
            throw new HeadwiseException(out + " has an unfinished run in " + probe.work + "; use --resume to continue it"
                    + " or --overwrite to start again.");
        }
        if (!overwrite && finished) {
            throw new HeadwiseException(out + " already exists and is not empty; use --overwrite to replace it"
                    + " or --resume to continue its run.");
        }
        return probe;
    }

    public Plan plan() {
        return plan;
    }

    /** Where the run writes until it is published. */
    public Path work() {
        return work;
    }

    public Path target() {
        return target;
    }

    /** Creates the working folder; a fresh run first clears the leftovers of an earlier unfinished one. */
    public void create() throws IOException {
        if (plan == Plan.FRESH) AtomicFiles.deleteTree(work);
        Files.createDirectories(work);
    }

    /** Removes the working folder (a run that failed before anything worth resuming was written). */
    public void discard() throws IOException {
        AtomicFiles.deleteTree(work);
    }

    /** Renames the finished run into place, replacing an earlier run there (--overwrite). */
    public void publish() throws IOException {
        AtomicFiles.publishDirectory(work, target);
    }

    /** The bytes under {@code dir}, as "870 MB". */
    public static String size(Path dir) throws IOException {
        long bytes;
        try (var s = Files.walk(dir)) {
            bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        return bytes >= 1L << 30 ? String.format(java.util.Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
                : String.format(java.util.Locale.ROOT, "%d MB", Math.round(bytes / (double) (1L << 20)));
    }

    private static boolean nonEmpty(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        try (var s = Files.list(dir)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            throw new HeadwiseException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }
}
