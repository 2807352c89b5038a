package dev.headwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.AtomicFiles;
import dev.headwise.io.Json;
import dev.headwise.model.Import;
import dev.headwise.weights.onnx.BundledModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A bundled encoder imported once into {@code CACHE/models/NAME-DIGEST}, so later runs skip the ONNX import.
 * The folder name carries a digest of the bundled files, so a new artifact version gets a fresh folder; a
 * manifest written after the import records the digest of every file, and a folder whose manifest is missing,
 * for other sources, or contradicted by its files (an interrupted or altered import) is imported again.
 */
final class ImportedModelCache {
    static final String MANIFEST = "headwise-cache.json";
    private static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json",
            "tokenizer_config.json");

    private ImportedModelCache() {}

    /** The imported model directory, importing it first unless a valid copy is cached. */
    static Path locateOrImport(BundledModel model, Path cacheRoot) throws IOException {
        String source = sourceDigest(model);
        Path dir = cacheRoot.resolve("models").resolve(model.name() + "-" + source.substring(0, 12));
        if (isValid(dir, source)) return dir;
        Import.bundled(model, dir, true);
        ObjectNode manifest = Json.MAPPER.createObjectNode().put("source", model.name()).put("source_sha256", source);
        ObjectNode files = manifest.putObject("files");
        for (String file : FILES) files.put(file, sha256(dir.resolve(file)));
        AtomicFiles.write(dir.resolve(MANIFEST), Json.INDENTED.writeValueAsBytes(manifest));
        return dir;
    }

    static boolean isValid(Path dir, String sourceDigest) throws IOException {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) return false;
        JsonNode manifest;
        try {
            manifest = Json.MAPPER.readTree(manifestFile.toFile());
        } catch (IOException e) {
            return false; // a damaged manifest means a damaged cache: import again
        }
        if (!sourceDigest.equals(manifest.path("source_sha256").asText())) return false;
        for (String file : FILES) {
            Path path = dir.resolve(file);
            if (!Files.isRegularFile(path) || !sha256(path).equals(manifest.path("files").path(file).asText())) return false;
        }
        return true;
    }

    /** The SHA-256 of the bundled ONNX file followed by its tokenizer.json. */
    static String sourceDigest(BundledModel model) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream onnx = model.openOnnx(); InputStream tokenizer = model.openTokenizer()) {
            onnx.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
            tokenizer.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new HeadwiseException("This Java runtime has no SHA-256, which every Java runtime must provide.", e);
        }
    }
}
