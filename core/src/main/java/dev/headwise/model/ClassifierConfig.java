package dev.headwise.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Everything {@code config.json} says about a classifier: the encoder, the label heads, headwise's own block,
 * and the fields headwise does not interpret, which are written back unchanged on save.
 *
 * @param original the JSON this config was read from (unknown fields are kept from it); never mutated
 * @param headwise what config.json's {@code headwise} block records besides the heads; never null
 */
public record ClassifierConfig(ModelConfig model, Heads heads, ObjectNode original, HeadwiseConfig headwise) {

    public ClassifierConfig {
        original = original == null ? JsonNodeFactory.instance.objectNode() : original.deepCopy();
        headwise = headwise == null ? HeadwiseConfig.NONE : headwise;
    }

    public ClassifierConfig(ModelConfig model, Heads heads) {
        this(model, heads, null, null);
    }

    @Override
    public ObjectNode original() {
        return original.deepCopy();
    }

    public ClassifierConfig withHeads(Heads newHeads) {
        return new ClassifierConfig(model, newHeads, original, headwise);
    }

    public ClassifierConfig withModel(ModelConfig newModel) {
        return new ClassifierConfig(newModel, heads, original, headwise);
    }

    public ClassifierConfig withHeadwise(HeadwiseConfig newHeadwise) {
        return new ClassifierConfig(model, heads, original, newHeadwise);
    }
}
