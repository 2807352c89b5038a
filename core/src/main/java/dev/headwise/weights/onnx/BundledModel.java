package dev.headwise.weights.onnx;

import dev.headwise.HeadwiseException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A pretrained encoder shipped on the classpath: an ONNX export and its HF {@code tokenizer.json}.
 *
 * @param name the name users give on the command line
 * @param onnxResource classpath resource of the ONNX model
 * @param tokenizerResource classpath resource of the tokenizer.json
 * @param artifact the dependency that provides the resources, for error messages
 */
public record BundledModel(String name, String onnxResource, String tokenizerResource, String artifact) {

    /** Opens the ONNX model; the caller closes the stream. */
    public InputStream openOnnx() {
        return open(onnxResource);
    }

    /** Opens the tokenizer.json; the caller closes the stream. */
    public InputStream openTokenizer() {
        return open(tokenizerResource);
    }

    public byte[] readOnnx() {
        try (InputStream in = openOnnx()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new HeadwiseException("Cannot read the bundled model resource " + onnxResource + ": " + e.getMessage() + ".", e);
        }
    }

    /** Copies the ONNX model to {@code target} (replacing it) and returns {@code target}. */
    public Path copyOnnxTo(Path target) {
        return copy(onnxResource, target);
    }

    /** Copies the tokenizer.json to {@code target} (replacing it) and returns {@code target}. */
    public Path copyTokenizerTo(Path target) {
        return copy(tokenizerResource, target);
    }

    private Path copy(String resource, Path target) {
        try (InputStream in = open(resource)) {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException | UncheckedIOException e) {
            throw new HeadwiseException("Cannot copy the bundled resource " + resource + " to " + target + ": " + e.getMessage() + ".", e);
        }
    }

    private InputStream open(String resource) {
        InputStream in = BundledModel.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new HeadwiseException("The bundled model " + name + " is not available: the resource " + resource
                    + " is not on the classpath (it comes from " + artifact + ").");
        }
        return in;
    }
}
