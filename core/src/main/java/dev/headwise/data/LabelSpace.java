package dev.headwise.data;

import dev.headwise.Task;
import dev.headwise.HeadwiseException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The labels a model was trained on, immutable. Flat tasks have one level; a hierarchical task has one level per
 * depth plus the parent-to-children links seen in training. Label order fixes the class ids:
 * <ul>
 *   <li>multi-class: numeric order if every label is an integer, else lexicographic ({@link String#compareTo});</li>
 *   <li>binary: the negative class is id 0, the positive one id 1 (see {@link #binary});</li>
 *   <li>multi-label: the order given (column order, or sorted names for a list column);</li>
 *   <li>hierarchical: lexicographic per level.</li>
 * </ul>
 */
public final class LabelSpace {
    /** The class of a level that a shorter hierarchical path does not reach. */
    public static final String NONE = "none";

    private static final Set<String> POSITIVE_NAMES = Set.of("1", "true", "pos", "positive", "yes");

    /** One level of labels. */
    public record Level(String name, List<String> labels) {
        public Level {
            labels = List.copyOf(labels);
            if (labels.isEmpty()) {
                throw new HeadwiseException("The label level '" + name + "' has no labels.");
            }
            if (new TreeSet<>(labels).size() != labels.size()) {
                throw new HeadwiseException("The label level '" + name + "' lists a label twice.");
            }
        }
    }

    private final Task task;
    private final List<Level> levels;
    /** children.get(l): label of level l to its valid labels of level l + 1, as seen in training. */
    private final List<Map<String, List<String>>> children;
    private final List<Map<String, Integer>> ids;

    private LabelSpace(Task task, List<Level> levels, List<Map<String, List<String>>> children) {
        this.task = task;
        this.levels = List.copyOf(levels);
        this.children = children.stream().map(LabelSpace::copyChildren).toList();
        this.ids = this.levels.stream().map(level -> {
            Map<String, Integer> index = HashMap.newHashMap(level.labels().size());
            level.labels().forEach(label -> index.put(label, index.size()));
            return Map.copyOf(index);
        }).toList();
    }

    private static Map<String, List<String>> copyChildren(Map<String, List<String>> links) {
        Map<String, List<String>> copy = new TreeMap<>();
        links.forEach((parent, kids) -> copy.put(parent, List.copyOf(kids)));
        return java.util.Collections.unmodifiableMap(copy);
    }

    /** Multi-class labels from the values seen in training, in the documented order. */
    public static LabelSpace multiclass(Collection<String> seen) {
        return new LabelSpace(Task.MULTICLASS, List.of(new Level("label", sortLabels(seen))), List.of());
    }

    /**
     * Binary labels from exactly two values: the positive class (id 1) is the one named 1, true, pos, positive or
     * yes (ignoring case), else the lexicographically second.
     */
    public static LabelSpace binary(Collection<String> seen) {
        List<String> sorted = sortLabels(seen);
        if (sorted.size() != 2) {
            throw new HeadwiseException("A binary task needs exactly two classes but the data has " + sorted.size() + ": "
                    + String.join(", ", sorted) + ".");
        }
        boolean firstIsPositive = POSITIVE_NAMES.contains(sorted.get(0).toLowerCase(Locale.ROOT))
                && !POSITIVE_NAMES.contains(sorted.get(1).toLowerCase(Locale.ROOT));
        List<String> ordered = firstIsPositive ? List.of(sorted.get(1), sorted.get(0)) : sorted;
        return new LabelSpace(Task.BINARY, List.of(new Level("label", ordered)), List.of());
    }

    public static LabelSpace multiLabel(List<String> names) {
        return new LabelSpace(Task.MULTILABEL, List.of(new Level("labels", names)), List.of());
    }

    /** Hierarchical labels from the training paths, each exactly one label per level. */
    public static LabelSpace hierarchical(List<String> levelNames, Collection<List<String>> paths) {
        int depth = levelNames.size();
        if (depth < 1) {
            throw new HeadwiseException("A hierarchical task needs at least one level.");
        }
        List<Set<String>> seen = new ArrayList<>();
        List<Map<String, List<String>>> links = new ArrayList<>();
        for (int level = 0; level < depth; level++) {
            seen.add(new TreeSet<>());
            if (level + 1 < depth) {
                links.add(new TreeMap<>());
            }
        }
        for (List<String> path : paths) {
            if (path.size() != depth) {
                throw new HeadwiseException("The label path " + path + " has " + path.size() + " levels, expected " + depth + ".");
            }
            for (int level = 0; level < depth; level++) {
                seen.get(level).add(path.get(level));
                if (level + 1 < depth) {
                    List<String> kids = links.get(level).computeIfAbsent(path.get(level), k -> new ArrayList<>());
                    if (!kids.contains(path.get(level + 1))) {
                        kids.add(path.get(level + 1));
                    }
                }
            }
        }
        links.forEach(map -> map.values().forEach(kids -> kids.sort(null)));
        List<Level> levels = new ArrayList<>();
        for (int level = 0; level < depth; level++) {
            levels.add(new Level(levelNames.get(level), List.copyOf(seen.get(level))));
        }
        return new LabelSpace(Task.HIERARCHICAL, levels, links);
    }

    /**
     * The labels of a model headwise did not train, in the model's own order ({@code id2label}); a hierarchical
     * one has no parent-to-children links.
     */
    public static LabelSpace ofModel(Task task, List<Level> levels) {
        List<Map<String, List<String>>> links = new ArrayList<>();
        for (int l = 1; l < levels.size(); l++) links.add(Map.of());
        return new LabelSpace(task, levels, links);
    }

    /** Numeric order if every label is an integer, else lexicographic. */
    static List<String> sortLabels(Collection<String> labels) {
        Set<String> distinct = new TreeSet<>(labels);
        if (distinct.isEmpty()) {
            throw new HeadwiseException("The data has no labels.");
        }
        if (distinct.stream().allMatch(LabelSpace::isInteger)) {
            return distinct.stream().sorted((a, b) -> new BigInteger(a).compareTo(new BigInteger(b))).toList();
        }
        return List.copyOf(distinct);
    }

    private static boolean isInteger(String text) {
        return text.matches("[+-]?\\d{1,1000}");
    }

    public Task task() {
        return task;
    }

    public List<Level> levels() {
        return levels;
    }

    /** The labels of a flat task (level 0). */
    public List<String> labels() {
        return levels.getFirst().labels();
    }

    /** The id of {@code label} at {@code level}, or -1 if training never saw it. */
    public int indexOf(int level, String label) {
        return ids.get(level).getOrDefault(label, -1);
    }

    /**
     * The valid children per parent: {@code result[l][p]} lists the ids at level {@code l + 1} seen under id
     * {@code p} of level {@code l}. Empty for flat tasks.
     */
    public int[][][] hierarchy() {
        int[][][] result = new int[children.size()][][];
        for (int level = 0; level < children.size(); level++) {
            List<String> parents = levels.get(level).labels();
            result[level] = new int[parents.size()][];
            for (int p = 0; p < parents.size(); p++) {
                int next = level + 1;
                result[level][p] = children.get(level).getOrDefault(parents.get(p), List.of()).stream()
                        .mapToInt(kid -> indexOf(next, kid)).toArray();
            }
        }
        return result;
    }

    /**
     * The ids of raw labels: one per level for single-label and hierarchical tasks (a shorter path is padded with
     * {@link #NONE}), the active ids for multi-label; null if any label is unknown.
     */
    public int[] encode(List<String> raw) {
        List<String> labels = raw;
        if (task == Task.HIERARCHICAL) {
            if (raw.size() > levels.size()) {
                return null;
            }
            labels = new ArrayList<>(raw);
            while (labels.size() < levels.size()) {
                labels.add(NONE);
            }
        } else if (task != Task.MULTILABEL && raw.size() != 1) {
            throw new HeadwiseException("A " + task.id() + " example needs exactly one label, got " + raw + ".");
        }
        int[] encoded = new int[labels.size()];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = indexOf(task == Task.MULTILABEL ? 0 : i, labels.get(i));
            if (encoded[i] < 0) {
                return null;
            }
        }
        return encoded;
    }

    /** The JSON-able form stored in a model's config.json. */
    public Map<String, Object> toConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("task", task.id());
        if (task == Task.HIERARCHICAL) {
            config.put("levels", levels.stream().map(l -> Map.of("name", l.name(), "labels", l.labels())).toList());
            config.put("hierarchy", children);
        } else {
            Map<String, String> id2label = new LinkedHashMap<>();
            Map<String, Integer> label2id = new LinkedHashMap<>();
            List<String> labels = labels();
            for (int id = 0; id < labels.size(); id++) {
                id2label.put(Integer.toString(id), labels.get(id));
                label2id.put(labels.get(id), id);
            }
            config.put("id2label", id2label);
            config.put("label2id", label2id);
        }
        return config;
    }

    /** Reads the form written by {@link #toConfig()}. */
    public static LabelSpace fromConfig(Map<String, ?> config) {
        Task task = Task.parse(ConfigValues.string(config, "task"));
        if (task != Task.HIERARCHICAL) {
            Map<String, ?> id2label = ConfigValues.map(config, "id2label");
            List<String> labels = new ArrayList<>();
            for (int id = 0; id < id2label.size(); id++) {
                labels.add(ConfigValues.string(id2label, Integer.toString(id)));
            }
            return new LabelSpace(task, List.of(new Level(task == Task.MULTILABEL ? "labels" : "label", labels)), List.of());
        }
        List<Level> levels = new ArrayList<>();
        for (Object entry : ConfigValues.list(config, "levels")) {
            Map<String, ?> level = ConfigValues.asMap(entry, "levels");
            levels.add(new Level(ConfigValues.string(level, "name"), ConfigValues.strings(level, "labels")));
        }
        List<Map<String, List<String>>> links = new ArrayList<>();
        for (Object entry : ConfigValues.list(config, "hierarchy")) {
            Map<String, ?> map = ConfigValues.asMap(entry, "hierarchy");
            Map<String, List<String>> parentToKids = new TreeMap<>();
            map.keySet().forEach(parent -> parentToKids.put(parent, ConfigValues.strings(map, parent)));
            links.add(parentToKids);
        }
        if (levels.isEmpty() || links.size() != levels.size() - 1) {
            throw new HeadwiseException("The label config has " + levels.size() + " levels but " + links.size()
                    + " hierarchy links; expected one fewer link than levels.");
        }
        return new LabelSpace(task, levels, links);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LabelSpace that && task == that.task && levels.equals(that.levels) && children.equals(that.children);
    }

    @Override
    public int hashCode() {
        return levels.hashCode() * 31 + task.hashCode();
    }

    @Override
    public String toString() {
        return "LabelSpace" + toConfig();
    }
}
