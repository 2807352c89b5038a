package dev.headwise.testing;

import dev.headwise.weights.onnx.BundledModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A config.json for {@code train --from-scratch}: a DistilBERT one layer and 16 wide, the bundled tokenizer beside it. */
public final class TinyConfig {
    private TinyConfig() {}

    /** Writes {@code dir/config.json} and {@code dir/tokenizer.json}; returns the config. */
    public static Path write(Path dir) throws IOException {
        Path config = Files.createDirectories(dir).resolve("config.json");
        Files.writeString(config, """
                {"model_type": "distilbert", "vocab_size": 30522, "dim": 16, "n_layers": 1, "n_heads": 2,
                 "hidden_dim": 32, "max_position_embeddings": 32, "dropout": 0.0, "attention_dropout": 0.0,
                 "seq_classif_dropout": 0.0}""");
        BundledModels.ALL_MINILM_L6_V2.copyTokenizerTo(dir.resolve("tokenizer.json"));
        return config;
    }
}
