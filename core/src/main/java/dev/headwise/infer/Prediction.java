package dev.headwise.infer;

import java.util.List;

/**
 * What a classifier says about one text, per label level (one level unless hierarchical).
 * {@code chosen} is the decision: the top class (multi-class, binary), the labels above their threshold
 * (multi-label), or this level's element of the decoded path (hierarchical). {@code truncated} says the
 * text was longer than the model's input limit and only its beginning was read (with windows: that its
 * windows were cut at the maximum number). {@code windows} is how many windows of the text were read (1
 * without windows).
 */
public record Prediction(List<Level> levels, boolean truncated, int windows) {

    public record Label(String name, double probability) {}

    /** One level's decision and every label's probability, most probable first. */
    public record Level(String name, List<Label> chosen, List<Label> ranked) {
        public Level {
            chosen = List.copyOf(chosen);
            ranked = List.copyOf(ranked);
        }
    }

    public Prediction {
        levels = List.copyOf(levels);
    }

    public Prediction(List<Level> levels, boolean truncated) {
        this(levels, truncated, 1);
    }

    /** The decided label names, in level order (for hierarchical models: the path). */
    public List<String> labels() {
        return levels.stream().flatMap(l -> l.chosen().stream()).map(Label::name).toList();
    }
}
