package dev.headwise.model;

import dev.headwise.Task;
import dev.headwise.HeadwiseException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * What the classifier predicts: the task and its label levels (one level except for hierarchical models).
 * A binary model has one level of two labels, the second being the positive class, and one logit.
 */
public record Heads(Task task, List<Level> levels) {

    public Heads {
        if (task == null) throw new HeadwiseException("heads: task is missing.");
        levels = List.copyOf(levels);
        if (levels.isEmpty()) throw new HeadwiseException("heads: a " + task.id() + " model needs label levels.");
        if (task != Task.HIERARCHICAL && levels.size() != 1) {
            throw new HeadwiseException("heads: a " + task.id() + " model has one label level, got " + levels.size() + ".");
        }
        var names = new HashSet<String>();
        for (Level l : levels) {
            if (!names.add(l.name())) throw new HeadwiseException("heads: level name '" + l.name() + "' repeats.");
        }
        int n = levels.getFirst().labels().size();
        switch (task) {
            case BINARY -> {
                if (n != 2) throw new HeadwiseException("heads: a binary model needs exactly 2 labels, got " + n + ".");
            }
            case MULTICLASS -> {
                if (n < 2) throw new HeadwiseException("heads: a multiclass model needs at least 2 labels, got " + n + ".");
            }
            default -> { }
        }
    }

    /** One level: its name (e.g. {@code level1}) and label names in id order. */
    public record Level(String name, List<String> labels) {
        public Level {
            labels = List.copyOf(labels);
            if (name == null || name.isBlank()) throw new HeadwiseException("heads: a label level has no name.");
            if (labels.isEmpty()) throw new HeadwiseException("heads: level '" + name + "' has no labels.");
            if (new HashSet<>(labels).size() != labels.size()) {
                throw new HeadwiseException("heads: level '" + name + "' lists a label twice.");
            }
        }

        public int size() {
            return labels.size();
        }
    }

    public static Heads single(Task task, List<String> labels) {
        return new Heads(task, List.of(new Level("labels", labels)));
    }

    /**
     * The same logits read as a {@code task} model: a two-label level as binary (its softmax is the sigmoid of
     * the logits' difference), one level as multiclass or multilabel, and {@code level:label} names, level by
     * level, as hierarchical heads.
     */
    public Heads as(Task target) {
        if (target == task) return this;
        List<String> names = logitNames();
        return switch (target) {
            case BINARY -> {
                if (names.size() != 2) throw cannotRead(target, names);
                yield single(target, names);
            }
            case MULTICLASS, MULTILABEL -> task == Task.BINARY ? single(target, names)
                    : new Heads(target, List.of(new Level(levels.getFirst().name(), names)));
            case HIERARCHICAL -> {
                var split = new LinkedHashMap<String, List<String>>();
                String last = null;
                for (String n : names) {
                    int colon = n.indexOf(':');
                    if (colon <= 0) throw cannotRead(target, names);
                    String level = n.substring(0, colon);
                    if (!level.equals(last) && split.containsKey(level)) throw cannotRead(target, names);
                    split.computeIfAbsent(level, k -> new ArrayList<>()).add(n.substring(colon + 1));
                    last = level;
                }
                yield new Heads(target, split.entrySet().stream().map(e -> new Level(e.getKey(), e.getValue())).toList());
            }
        };
    }

    private static HeadwiseException cannotRead(Task target, List<String> names) {
        return new HeadwiseException("the model's " + names.size() + " logits " + names + " cannot be read as a "
                + target.id() + " model" + (target == Task.HIERARCHICAL ? " (it needs level:label names, level by level)."
                : target == Task.BINARY ? " (it needs exactly two labels)." : "."));
    }

    /** HF's names of the logits (id2label): both labels for binary, {@code level:label} for hierarchical models. */
    public List<String> logitNames() {
        var names = new ArrayList<String>();
        for (Level l : levels) {
            for (String label : l.labels()) names.add(task == Task.HIERARCHICAL ? l.name() + ":" + label : label);
        }
        return List.copyOf(names);
    }

    /** Width of the classifier's output. */
    public int numLogits() {
        return task == Task.BINARY ? 1 : levels.stream().mapToInt(Level::size).sum();
    }

    /** First logit column of level {@code i}. */
    public int offset(int i) {
        int off = 0;
        for (int k = 0; k < i; k++) off += levels.get(k).size();
        return off;
    }
}
