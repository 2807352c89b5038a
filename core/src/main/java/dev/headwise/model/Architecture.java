package dev.headwise.model;

import dev.headwise.tokenize.Padding;

/**
 * The encoder families headwise builds. Each knows the checkpoint names HF transformers gives its
 * parameters, so weights load by name and our code reads beside {@code modeling_distilbert.py},
 * {@code modeling_bert.py}, {@code modeling_roberta.py} and {@code modeling_xlnet.py}.
 */
public enum Architecture {
    DISTILBERT("distilbert", "distilbert.", "DistilBertForSequenceClassification", "DistilBertModel",
            new HeadNames("pre_classifier", "classifier", false)),
    BERT("bert", "bert.", "BertForSequenceClassification", "BertModel",
            new HeadNames("bert.pooler.dense", "classifier", false)),
    /** RoBERTa and DistilRoBERTa: BERT's blocks, positions counted from the pad id, HF's RobertaClassificationHead. */
    ROBERTA("roberta", "roberta.", "RobertaForSequenceClassification", "RobertaModel",
            new HeadNames("classifier.dense", "classifier.out_proj", false)),
    /** XLNet's content stream with relative positions and segments; HF's SequenceSummary on the last token. */
    XLNET("xlnet", "transformer.", "XLNetForSequenceClassification", "XLNetModel",
            new HeadNames("sequence_summary.summary", "logits_proj", true));

    /** HF {@code model_type}. */
    public final String modelType;
    /** Prefix of the base model's parameters inside a sequence-classification checkpoint. */
    public final String basePrefix;
    /** HF {@code architectures[0]} written on save. */
    public final String hfClassName;
    /** HF {@code architectures[0]} of a bare encoder. */
    public final String hfBaseClassName;
    final HeadNames head;

    Architecture(String modelType, String basePrefix, String hfClassName, String hfBaseClassName, HeadNames head) {
        this.modelType = modelType;
        this.basePrefix = basePrefix;
        this.hfClassName = hfClassName;
        this.hfBaseClassName = hfBaseClassName;
        this.head = head;
    }

    public static Architecture ofModelType(String modelType) {
        for (Architecture a : values()) {
            if (a.modelType.equals(modelType)) return a;
        }
        throw new dev.headwise.HeadwiseException("model_type '" + modelType + "' is not supported; headwise builds "
                + "'distilbert', 'bert', 'roberta' and 'xlnet' models.");
    }

    /**
     * How batches are padded: on the right, except XLNet, whose head reads the last token and whose tokenizer
     * pads on the left with token type 3 (HF's {@code XLNetTokenizer.padding_side} and {@code pad_token_type_id}).
     */
    public Padding padding(int padId) {
        return this == XLNET ? new Padding(padId, 3, Padding.Side.LEFT) : Padding.right(padId);
    }

    /** Whether the head reads the last token (XLNet's {@code <cls>}) rather than the first. */
    public boolean summarisesLastToken() {
        return head.lastToken();
    }

    /** Embedding-layer names, relative to the base prefix. */
    String embeddings() {
        return "embeddings.";
    }

    /** Prefix of encoder block {@code i}, relative to the base prefix. */
    String block(int i) {
        return switch (this) {
            case DISTILBERT -> "transformer.layer." + i + ".";
            case BERT, ROBERTA -> "encoder.layer." + i + ".";
            case XLNET -> "layer." + i + ".";
        };
    }

    /** Names inside one BERT-family block, in HF's spelling (RoBERTa's are BERT's). */
    BlockNames blockNames() {
        return switch (this) {
            case DISTILBERT -> new BlockNames("attention.q_lin", "attention.k_lin", "attention.v_lin",
                    "attention.out_lin", "sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm", false);
            case BERT, ROBERTA -> new BlockNames("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense",
                    "output.LayerNorm", true);
            case XLNET -> throw new IllegalStateException("XLNet layers are built by XlnetLayer");
        };
    }

    /**
     * @param dropoutAfterAttention BERT applies hidden dropout to the attention output before its residual;
     *                              DistilBERT does not.
     */
    record BlockNames(String query, String key, String value, String attentionOut, String attentionNorm,
                      String ffnIn, String ffnOut, String outputNorm, boolean dropoutAfterAttention) {}

    /**
     * The sequence-classification head's two layers.
     *
     * @param pool       the dense layer on the summary token (DistilBERT's pre_classifier, BERT's pooler, ...)
     * @param classifier the output layer, whose rows are the logits
     * @param lastToken  whether the summary token is the last one
     */
    record HeadNames(String pool, String classifier, boolean lastToken) {}
}
