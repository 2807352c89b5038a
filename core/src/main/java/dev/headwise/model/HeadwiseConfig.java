package dev.headwise.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.data.ColumnSpec;
import dev.headwise.data.LabelSpace;
import dev.headwise.metrics.Thresholds;
import dev.headwise.tokenize.Truncation;
import dev.headwise.tokenize.Windows;

/**
 * What config.json's {@code headwise} block says besides the heads ({@link Heads} holds {@code task} and
 * {@code levels}): how the trained model reads texts and decides. {@link ConfigJson} alone reads and writes
 * it; every field is null where the block does not record it, as in a plain HF checkpoint.
 *
 * @param truncation         {@code max_length} and {@code tail_tokens}
 * @param windows            {@code windows}: how a longer text is read instead of being cut
 * @param thresholds         {@code thresholds}: multilabel decision thresholds tuned on the eval split
 * @param consistentDecoding {@code consistent_decoding}: whether a level's label must be a child of the one above
 * @param labelSpace         {@code label_space}: the labels as trained, with the hierarchy's links
 * @param data               {@code data}: the columns the model was trained on
 * @param exportedLevel      {@code exported_level}: the level of a hierarchical model this one was exported from
 * @param unknown            the keys this version does not know (a newer one wrote them), kept for the next save;
 *                           never null, never mutated
 */
public record HeadwiseConfig(Truncation truncation, Windows windows, Thresholds thresholds, Boolean consistentDecoding,
                             LabelSpace labelSpace, ColumnSpec data, String exportedLevel, ObjectNode unknown) {
    /**
     * The longest input of a model that records no truncation (an HF checkpoint), where its positions and
     * tokenizer allow more or set no limit (XLNet).
     */
    public static final int DEFAULT_MAX_LENGTH = 512;

    /** Nothing recorded: a model headwise did not train. */
    public static final HeadwiseConfig NONE = new HeadwiseConfig(null, null, null, null, null, null, null, null);

    public HeadwiseConfig {
        unknown = unknown == null ? JsonNodeFactory.instance.objectNode() : unknown.deepCopy();
        for (String key : ConfigJson.HEADWISE_KEYS) {
            if (unknown.has(key)) throw new IllegalArgumentException("'" + key + "' is a known key of the headwise block");
        }
        if (windows != null && truncation != null) windows.check(truncation.maxLength());
    }

    @Override
    public ObjectNode unknown() {
        return unknown.deepCopy();
    }

    /**
     * How the model cuts texts: as recorded, else the head of {@code limit} tokens (what its positions and
     * tokenizer allow) but at most {@link #DEFAULT_MAX_LENGTH}.
     */
    public Truncation truncation(int limit) {
        return truncation != null ? truncation : Truncation.head(Math.min(DEFAULT_MAX_LENGTH, limit));
    }

    /** Whether hierarchical decoding follows the trained hierarchy: unless recorded otherwise, when it is known. */
    public boolean followsHierarchy() {
        return labelSpace != null && !Boolean.FALSE.equals(consistentDecoding);
    }

    /**
     * The block of one level exported as a plain classifier: the reading of texts is kept, what belonged to
     * the hierarchy is left behind.
     */
    public HeadwiseConfig exported(String level) {
        return new HeadwiseConfig(truncation, windows, null, null, null, null, level, unknown);
    }
}
