package dev.headwise.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Everything {@code config.json} says about a classifier: the encoder, the label heads, and the fields
 * headwise does not interpret, which are written back unchanged on save.
 *
 * @param original the JSON this config was read from (unknown fields are kept from it); never mutated
 * @param extras   headwise's own settings stored under {@code "headwise"} besides task and levels
 *                 (text columns, thresholds, the label hierarchy); never mutated
 */
public record ClassifierConfig(ModelConfig model, Heads heads, ObjectNode original, ObjectNode extras) {

    public ClassifierConfig {
        original = original == null ? JsonNodeFactory.instance.objectNode() : original.deepCopy();
        extras = extras == null ? JsonNodeFactory.instance.objectNode() : extras.deepCopy();
    }

    public ClassifierConfig(ModelConfig model, Heads heads) {
        this(model, heads, null, null);
    }

    @Override
    public ObjectNode original() {
        return original.deepCopy();
    }

    @Override
    public ObjectNode extras() {
        return extras.deepCopy();
    }

    public ClassifierConfig withHeads(Heads newHeads) {
        return new ClassifierConfig(model, newHeads, original, extras);
    }

    public ClassifierConfig withModel(ModelConfig newModel) {
        return new ClassifierConfig(newModel, heads, original, extras);
    }

    public ClassifierConfig withExtras(ObjectNode newExtras) {
        return new ClassifierConfig(model, heads, original, newExtras);
    }
}
