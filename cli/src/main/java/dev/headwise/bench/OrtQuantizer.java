package dev.headwise.bench;

import dev.headwise.HeadwiseException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX Runtime's int8 peer: the same ONNX model through {@code quantize_dynamic}
 * ({@code benchmarks/python/ort_quantize.py}) in a Python with onnxruntime, run without headwise's native
 * settings, as {@link PythonPeer} runs HF.
 */
public final class OrtQuantizer {
    private OrtQuantizer() {}

    /**
     * The quantized model's bytes and what made it (the script's JSON line), from {@code onnx} written under
     * {@code dir}.
     *
     * @param python a command, split on spaces (e.g. {@code ../shared/hfref/python})
     */
    public static Quantized quantize(String python, Path script, byte[] onnx, Path dir) {
        if (!Files.isRegularFile(script)) throw new HeadwiseException("the quantization script " + script + " does not exist.");
        try {
            Path source = Files.write(dir.resolve("model.onnx"), onnx);
            Path target = dir.resolve("model-int8.onnx");
            Path log = dir.resolve("ort_quantize.log");
            var command = new ArrayList<>(List.of(python.strip().split("\\s+")));
            command.addAll(List.of(script.toAbsolutePath().toString(), source.toString(), target.toString()));
            var pb = new ProcessBuilder(command).redirectError(log.toFile());
            PythonPeer.withoutLauncherSettings(pb.environment());
            Process p = pb.start();
            String made = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            int exit = p.waitFor();
            if (exit != 0 || !Files.isRegularFile(target)) {
                List<String> err = Files.readAllLines(log).stream().filter(l -> !l.contains("Schema error")).toList();
                throw new HeadwiseException("quantizing the ONNX peer with '" + python + "' failed (exit " + exit + "): "
                        + String.join(" | ", err.subList(Math.max(0, err.size() - 3), err.size())));
            }
            return new Quantized(Files.readAllBytes(target), made.lines().reduce((a, b) -> b).orElse(""));
        } catch (IOException e) {
            throw new HeadwiseException("cannot run the quantization Python '" + python + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeadwiseException("interrupted while quantizing the ONNX peer", e);
        }
    }

    /** The int8 ONNX model, and the quantization script's report of versions and options. */
    public record Quantized(byte[] onnx, String report) {}
}
