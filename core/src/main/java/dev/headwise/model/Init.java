package dev.headwise.model;

/** How HF's {@code _init_weights} initialises a parameter of a from-scratch model. */
enum Init {
    /** Linear and embedding weights: normal(0, initializer_range). Decayed by AdamW. */
    NORMAL,
    /** Word embeddings: normal, with the padding row zeroed. Decayed. */
    NORMAL_PADDED,
    /** XLNet's attention biases ({@code r_w_bias}, ...): normal, and, their names ending in bias, not decayed. */
    NORMAL_NO_DECAY,
    /** Biases and LayerNorm shifts. Not decayed. */
    ZEROS,
    /** LayerNorm scales. Not decayed. */
    ONES,
    /** DistilBERT's fixed sin/cos position table: never trained. */
    SINUSOIDAL;

    /** HF Trainer's rule: no weight decay for biases and LayerNorm parameters. */
    boolean decays() {
        return this == NORMAL || this == NORMAL_PADDED;
    }

    boolean trainable() {
        return this != SINUSOIDAL;
    }
}
