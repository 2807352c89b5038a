package dev.headwise.model;

import dev.headwise.Task;
import dev.headwise.HeadwiseException;

import java.util.HashSet;
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
