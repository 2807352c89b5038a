package dev.headwise.cli;

import dev.headwise.distributed.Collectives;
import dev.headwise.distributed.World;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@code --nproc-per-node N}: the workers of this machine as child JVMs (this JVM's java, flags and class
 * path, each with its share of the cores) and their supervision. Rank 0's output is this command's; the
 * others print nothing but errors. When a worker fails, the others stop by themselves (a collective with a
 * dead peer fails at once) or are killed after a grace period (at once when rank 0 failed: it holds the
 * rendezvous store), and one line says which rank failed and which checkpoint is the last good one.
 *
 * <p>Ctrl-C reaches the supervisor only (the workers ignore SIGINT): it asks every worker through its
 * standard input to stop after the current step, or, a second time, to quit. A worker whose standard input
 * closes (the supervisor is gone) stops the same way.
 */
final class WorkerProcesses {
    private static final Duration GRACE = Duration.ofSeconds(60);

    private final List<Process> processes = new ArrayList<>();
    private final List<StringBuilder> errors = new ArrayList<>();
    private final List<Thread> pumps = new ArrayList<>();

    private WorkerProcesses() {}

    /**
     * Starts the workers and waits for them; returns the command's exit status.
     *
     * @param lastCheckpoint the newest checkpoint of the run at the moment of a failure
     */
    static int run(List<World> workers, List<String> args, int threadsEach, PrintWriter out, PrintWriter err,
                   Supplier<Optional<Path>> lastCheckpoint, Duration timeout) throws IOException, InterruptedException {
        var group = new WorkerProcesses();
        try {
            for (World w : workers) group.start(w, args, threadsEach, out);
            group.forwardInterrupts();
            return group.supervise(workers, err, lastCheckpoint, timeout.compareTo(GRACE) < 0 ? timeout : GRACE);
        } finally {
            group.processes.forEach(Process::destroyForcibly);
        }
    }

    /**
     * In a worker: SIGINT is the supervisor's to handle; its word on standard input sets {@code stop} ("stop", or
     * the end of the input when the supervisor is gone) or ends this process ("quit").
     */
    static void obeySupervisor(AtomicBoolean stop) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {});
        } catch (IllegalArgumentException e) {
            // No SIGINT on this platform.
        }
        Thread.ofPlatform().daemon().name("headwise-supervisor").start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals("quit")) System.exit(130);
                    stop.set(true);
                }
            } catch (IOException e) {
                // As the end of the input.
            }
            stop.set(true);
        });
    }

    private void start(World world, List<String> args, int threads, PrintWriter out) throws IOException {
        var cmd = new ArrayList<String>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp")) cmd.add(a); // one debugger port each
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        var pb = new ProcessBuilder(cmd);
        pb.environment().putAll(world.environment());
        pb.environment().put(DistributedOptions.LAUNCHED, "1");
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        if (!world.isMain()) pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        processes.add(p);
        var buffer = new StringBuilder();
        errors.add(buffer);
        if (world.isMain()) pump(p.getInputStream(), line -> {
            out.println(line);
            out.flush();
        });
        pump(p.getErrorStream(), line -> {
            if (line.startsWith("[Gloo] ")) return; // Gloo's note that the ranks are connected
            synchronized (buffer) {
                buffer.append(line).append('\n');
            }
        });
    }

    private void pump(InputStream in, java.util.function.Consumer<String> sink) {
        Thread t = Thread.ofPlatform().daemon().start(() -> {
            try (var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) sink.accept(line);
            } catch (IOException e) {
                // The worker is gone; what it wrote is in the buffer.
            }
        });
        pumps.add(t);
    }

    private void forwardInterrupts() {
        var once = new AtomicBoolean();
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> tell(once.getAndSet(true) ? "quit" : "stop"));
        } catch (IllegalArgumentException e) {
            // No SIGINT here: Ctrl-C ends every process, and the checkpoints on disk stay valid.
        }
    }

    private void tell(String word) {
        for (Process p : processes) {
            try {
                OutputStream in = p.getOutputStream();
                in.write((word + "\n").getBytes(StandardCharsets.US_ASCII));
                in.flush();
            } catch (IOException e) {
                // That worker has already exited.
            }
        }
    }

    private int supervise(List<World> workers, PrintWriter err, Supplier<Optional<Path>> lastCheckpoint, Duration grace)
            throws InterruptedException {
        int n = processes.size();
        long failedAt = -1;
        boolean[] killedByUs = new boolean[n];
        int firstFailure = -1;
        while (processes.stream().anyMatch(Process::isAlive)) {
            for (int i = 0; i < n && firstFailure < 0; i++) {
                Process p = processes.get(i);
                if (!p.isAlive() && p.exitValue() != 0) {
                    firstFailure = i;
                    failedAt = System.nanoTime();
                }
            }
            // Rank 0 holds the rendezvous store and writes the checkpoints: without it the others can only wait.
            boolean mainGone = !processes.getFirst().isAlive() && processes.getFirst().exitValue() != 0;
            if (failedAt >= 0 && (mainGone || System.nanoTime() - failedAt > grace.toNanos())) {
                for (int i = 0; i < n; i++) {
                    if (processes.get(i).isAlive()) {
                        killedByUs[i] = true;
                        processes.get(i).destroyForcibly();
                    }
                }
            }
            processes.stream().filter(Process::isAlive).findFirst().ifPresent(p -> {
                try {
                    p.waitFor(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        for (Thread t : pumps) t.join(TimeUnit.SECONDS.toMillis(5));
        int[] codes = processes.stream().mapToInt(Process::exitValue).toArray();
        int cause = cause(codes, killedByUs);
        if (cause < 0) return 0;
        String message;
        if (codes[cause] > 128 && codes[cause] != 130 && !killedByUs[cause] && !reported(cause)) {
            // Killed by a signal (SIGKILL, the OOM killer): it could say nothing itself.
            message = "headwise: rank " + workers.get(cause).rank() + " (pid " + processes.get(cause).pid()
                    + ") was killed by signal " + (codes[cause] - 128) + "; the other workers stopped"
                    + lastCheckpoint.get().map(c -> "; the last good checkpoint is " + c + " (continue with --resume)")
                    .orElse("; no checkpoint was written yet (--resume starts again from step 0)") + ".";
        } else {
            String text = errors.get(cause).toString().strip();
            message = cause == 0 || text.isEmpty() ? text : text.replaceFirst("^headwise: ", "headwise: rank "
                    + workers.get(cause).rank() + ": ");
        }
        if (!message.isEmpty()) err.println(message);
        err.flush();
        return codes[cause] == 130 ? 130 : codes[cause] > 128 ? 1 : codes[cause];
    }

    /** True when the worker printed its own error before it ended. */
    private boolean reported(int worker) {
        return !errors.get(worker).toString().isBlank();
    }

    /**
     * The worker whose failure explains the run's: one killed by a signal it did not get from us, else rank 0
     * if it failed for a reason of its own, else the first other rank that did; -1 when all succeeded. A worker
     * that only lost contact with a failed one is a consequence.
     */
    private int cause(int[] codes, boolean[] killedByUs) {
        int own = -1;
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] > 128 && codes[i] != 130 && !killedByUs[i] && !reported(i)) return i;
        }
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] != 0 && !killedByUs[i] && !errors.get(i).toString().contains(Collectives.LOST)) {
                if (own < 0) own = i;
            }
        }
        if (own >= 0) return own;
        for (int i = 0; i < codes.length; i++) if (codes[i] != 0) return i;
        return -1;
    }
}
