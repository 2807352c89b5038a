package dev.headwise.bench;

import dev.headwise.HeadwiseException;
import dev.headwise.model.Activation;
import dev.headwise.model.Architecture;
import dev.headwise.model.ConfigJson;
import dev.headwise.model.ModelConfig;

import java.nio.file.Files;
import java.nio.file.Path;

/** The encoder shapes benchmarks name on the command line. */
public final class ModelShapes {
    private ModelShapes() {}

    /** all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384, 12 heads, intermediate 1536, bert-base-uncased vocab). */
    public static ModelConfig minilm() {
        return new ModelConfig(Architecture.BERT, 30522, 384, 6, 12, 1536, 512, 2, 0.1, 0.1, 0.1,
                Activation.GELU, 1e-12, 0.02, 0, false);
    }

    /** {@code distilbert-base}, {@code minilm}, or a model directory whose config.json gives the shape. */
    public static ModelConfig resolve(String name) {
        return switch (name) {
            case "distilbert-base" -> ModelConfig.distilbertBase();
            case "minilm" -> minilm();
            default -> {
                Path config = Path.of(name).resolve("config.json");
                if (!Files.isRegularFile(config)) {
                    throw new HeadwiseException("--model must be distilbert-base, minilm or a model directory; "
                            + config + " does not exist.");
                }
                yield ConfigJson.read(config).model();
            }
        };
    }
}
