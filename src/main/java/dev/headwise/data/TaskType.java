package dev.headwise.data;

import dev.headwise.HeadwiseException;
import java.util.Locale;

/** What a model predicts for one text. */
public enum TaskType {
    /** One class out of many. */
    MULTICLASS,
    /** One of two classes, predicted as the probability of the positive one. */
    BINARY,
    /** Any subset of the labels. */
    MULTILABEL,
    /** One class per level of a label hierarchy. */
    HIERARCHICAL;

    /** The lower-case name used in configs. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskType fromConfigName(String name) {
        for (TaskType type : values()) {
            if (type.configName().equals(name)) {
                return type;
            }
        }
        throw new HeadwiseException("Unknown task type '" + name + "'; expected multiclass, binary, multilabel or hierarchical.");
    }
}
