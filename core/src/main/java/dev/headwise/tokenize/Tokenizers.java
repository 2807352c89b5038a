package dev.headwise.tokenize;

import dev.headwise.HeadwiseException;
import dev.headwise.weights.onnx.BundledModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** Loads the tokenizer of a model directory or of a bundled model. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * Loads {@code modelDir/tokenizer.json}, or failing that builds the BERT WordPiece tokenizer of
     * {@code modelDir/vocab.txt}, normalizing text and limiting its length as {@code tokenizer_config.json} says.
     */
    public static TextTokenizer load(Path modelDir) {
        return TokenizerFiles.read(modelDir).load();
    }

    /** Loads the tokenizer shipped with a bundled model. */
    public static TextTokenizer load(BundledModel model) {
        try (InputStream in = model.openTokenizer()) {
            return HfTokenizer.fromJson(in.readAllBytes(), model.tokenizerResource());
        } catch (IOException e) {
            throw new HeadwiseException("Cannot read the bundled tokenizer " + model.tokenizerResource() + ": " + e.getMessage() + ".", e);
        }
    }
}
