package dev.headwise;

import dev.headwise.HeadwiseException;

import java.util.Locale;

/** The four kinds of classification, as people do them with HF transformers. */
public enum Task {
    /** One label of n, softmax + cross-entropy. */
    MULTICLASS,
    /** Two classes as one logit, BCE-with-logits. */
    BINARY,
    /** Any subset of n labels, n sigmoids + BCE. */
    MULTILABEL,
    /** One softmax head per label level on the shared encoder; losses summed. */
    HIERARCHICAL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Task parse(String s) {
        for (Task t : values()) {
            if (t.id().equalsIgnoreCase(s)) return t;
        }
        throw new HeadwiseException("unknown task '" + s + "'; use multiclass, binary, multilabel or hierarchical.");
    }
}
