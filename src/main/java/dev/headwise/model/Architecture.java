package dev.headwise.model;

/**
 * The two encoder families headwise builds. Each knows the checkpoint names HF transformers gives its
 * parameters, so weights load by name and our code reads beside {@code modeling_distilbert.py} /
 * {@code modeling_bert.py}.
 */
public enum Architecture {
    DISTILBERT("distilbert", "distilbert.", "DistilBertForSequenceClassification"),
    BERT("bert", "bert.", "BertForSequenceClassification");

    /** HF {@code model_type}. */
    public final String modelType;
    /** Prefix of the base model's parameters inside a sequence-classification checkpoint. */
    public final String basePrefix;
    /** HF {@code architectures[0]} written on save. */
    public final String hfClassName;

    Architecture(String modelType, String basePrefix, String hfClassName) {
        this.modelType = modelType;
        this.basePrefix = basePrefix;
        this.hfClassName = hfClassName;
    }

    public static Architecture ofModelType(String modelType) {
        for (Architecture a : values()) {
            if (a.modelType.equals(modelType)) return a;
        }
        throw new dev.headwise.HeadwiseException(
                "model_type '" + modelType + "' is not supported; headwise builds 'distilbert' and 'bert' models.");
    }

    /** Embedding-layer names, relative to the base prefix. */
    String embeddings() {
        return "embeddings.";
    }

    /** Prefix of encoder block {@code i}, relative to the base prefix. */
    String block(int i) {
        return switch (this) {
            case DISTILBERT -> "transformer.layer." + i + ".";
            case BERT -> "encoder.layer." + i + ".";
        };
    }

    /** Names inside one block, in HF's spelling. */
    BlockNames blockNames() {
        return switch (this) {
            case DISTILBERT -> new BlockNames("attention.q_lin", "attention.k_lin", "attention.v_lin",
                    "attention.out_lin", "sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm", false);
            case BERT -> new BlockNames("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense",
                    "output.LayerNorm", true);
        };
    }

    /**
     * @param dropoutAfterAttention BERT applies hidden dropout to the attention output before its residual;
     *                              DistilBERT does not.
     */
    record BlockNames(String query, String key, String value, String attentionOut, String attentionNorm,
                      String ffnIn, String ffnOut, String outputNorm, boolean dropoutAfterAttention) {}
}
