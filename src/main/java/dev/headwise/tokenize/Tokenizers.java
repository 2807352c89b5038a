package dev.headwise.tokenize;

import dev.headwise.HeadwiseException;
import dev.headwise.weights.onnx.BundledModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the tokenizer of a model directory or of a bundled model. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * Loads {@code modelDir/tokenizer.json}, or failing that builds the BERT WordPiece tokenizer of
     * {@code modelDir/vocab.txt}.
     *
     * @param lowerCase for vocab.txt only (a tokenizer.json carries its own normalizer): lowercase and strip
     *     accents, as {@code do_lower_case} in the model's tokenizer_config.json says
     */
    public static TextTokenizer load(Path modelDir, boolean lowerCase) {
        Path json = modelDir.resolve("tokenizer.json");
        if (Files.isRegularFile(json)) {
            return HfTokenizer.fromFile(json);
        }
        Path vocab = modelDir.resolve("vocab.txt");
        if (Files.isRegularFile(vocab)) {
            return HfTokenizer.fromJson(WordPieceJson.fromVocabFile(vocab, lowerCase), vocab.toString());
        }
        throw new HeadwiseException("The model directory " + modelDir + " has neither a tokenizer.json nor a vocab.txt.");
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
