package dev.headwise.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HF transformers in a Python process ({@code benchmarks/python/hf_peer.py}), driven a round at a time so its
 * rounds alternate with headwise's in one benchmark run. The peer gets the environment this process was
 * started with, less the variables the launcher set for headwise's own natives ({@code HEADWISE_LAUNCHER_ENV}
 * names them), so it runs as a user of transformers would run it.
 */
public final class PythonPeer implements AutoCloseable {

    private final Process process;
    private final BufferedReader from;
    private final PrintWriter to;
    private final JsonNode ready;
    private final Path log;

    /**
     * @param python the Python to run (a command, split on spaces: e.g. {@code ../shared/hfref/python})
     * @param script hf_peer.py
     * @param args the workload: {@code train --config DIR ...} or {@code infer --model DIR ...}
     */
    public PythonPeer(String python, Path script, List<String> args) {
        if (!Files.isRegularFile(script)) throw new HeadwiseException("the peer script " + script + " does not exist.");
        var command = new ArrayList<>(List.of(python.strip().split("\\s+")));
        command.add(script.toAbsolutePath().toString());
        command.addAll(args);
        try {
            log = Files.createTempFile("headwise-peer-", ".log");
            var pb = new ProcessBuilder(command).redirectError(log.toFile());
            withoutLauncherSettings(pb.environment());
            process = pb.start();
        } catch (IOException e) {
            throw new HeadwiseException("cannot start the peer Python '" + python + "': " + e.getMessage(), e);
        }
        from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        to = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        ready = reply("start");
        if (!ready.path("ready").asBoolean()) {
            close();
            throw new HeadwiseException("the peer Python '" + python + "' did not start: " + ready);
        }
    }

    static void withoutLauncherSettings(Map<String, String> env) {
        String set = env.remove("HEADWISE_LAUNCHER_ENV");
        if (set == null) return;
        for (String name : set.strip().split("\\s+")) env.remove(name);
    }

    /** What the peer runs on: versions of transformers and torch, attention, BLAS and threads. */
    public String describe() {
        return "transformers " + ready.path("transformers").asText() + ", torch " + ready.path("torch").asText()
                + ", attention " + ready.path("attention").asText() + ", " + ready.path("blas").asText()
                + ", " + ready.path("threads").asInt() + " thread(s)";
    }

    /** {@code n} timed units at {@code batch} rows (a training peer ignores the batch); their durations in ns. */
    public long[] round(int n, int batch) {
        to.println("round " + n + " " + batch);
        JsonNode seconds = reply("round").path("seconds");
        if (seconds.size() != n) throw new HeadwiseException("the peer answered " + seconds + " to a round of " + n);
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) nanos[i] = Math.round(seconds.get(i).asDouble() * 1e9);
        return nanos;
    }

    private JsonNode reply(String what) {
        try {
            String line = from.readLine();
            if (line == null) {
                int exit = process.waitFor();
                List<String> err = Files.readAllLines(log);
                throw new HeadwiseException("the peer Python exited during " + what + " (exit " + exit + "): "
                        + String.join(" | ", err.subList(Math.max(0, err.size() - 3), err.size())));
            }
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new HeadwiseException("cannot read the peer's answer to " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeadwiseException("interrupted waiting for the peer", e);
        }
    }

    @Override
    public void close() {
        to.println("quit");
        to.close();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file left behind is harmless
        }
    }
}
