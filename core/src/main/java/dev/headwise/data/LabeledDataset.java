package dev.headwise.data;

import dev.headwise.Task;
import dev.headwise.HeadwiseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Texts with their targets in compact arrays: class ids per level for single-label and hierarchical tasks,
 * a packed multi-hot matrix for multi-label. Rows are numbered 0..size-1; each keeps the source line it came
 * from. Immutable.
 */
public final class LabeledDataset {
    private final LabelSpace labelSpace;
    private final List<String> texts;
    private final int[] lines;
    /** [level][row], or null for multi-label. */
    private final int[][] classIds;
    /** [row * labelCount + label], or null for single-label tasks. */
    private final float[] multiHot;
    private final int skippedEmptyTexts;
    private final Map<String, Integer> unknownLabels;

    private LabeledDataset(LabelSpace labelSpace, List<String> texts, int[] lines, int[][] classIds, float[] multiHot,
                           int skippedEmptyTexts, Map<String, Integer> unknownLabels) {
        this.labelSpace = labelSpace;
        this.texts = texts;
        this.lines = lines;
        this.classIds = classIds;
        this.multiHot = multiHot;
        this.skippedEmptyTexts = skippedEmptyTexts;
        this.unknownLabels = unknownLabels;
    }

    /** A dataset from texts and their targets as {@link LabelSpace#encode} gives them, numbered by position. */
    public static LabeledDataset of(LabelSpace labelSpace, List<String> texts, List<int[]> targets) {
        int[] lines = new int[texts.size()];
        Arrays.setAll(lines, i -> i + 1);
        return of(labelSpace, texts, lines, targets, 0, Map.of());
    }

    static LabeledDataset of(LabelSpace space, List<String> texts, int[] lines, List<int[]> targets, int skippedEmptyTexts,
                             Map<String, Integer> unknownLabels) {
        int n = texts.size();
        if (targets.size() != n || lines.length != n) {
            throw new HeadwiseException("A dataset needs one target and one line per text; got " + n + " texts, "
                    + targets.size() + " targets and " + lines.length + " lines.");
        }
        int[][] classIds = null;
        float[] multiHot = null;
        if (space.task() == Task.MULTILABEL) {
            int width = space.labels().size();
            multiHot = new float[Math.multiplyExact(n, width)];
            for (int row = 0; row < n; row++) {
                for (int label : targets.get(row)) {
                    multiHot[row * width + checkId(label, width)] = 1f;
                }
            }
        } else {
            int depth = space.levels().size();
            classIds = new int[depth][n];
            for (int row = 0; row < n; row++) {
                int[] target = targets.get(row);
                if (target.length != depth) {
                    throw new HeadwiseException("Row " + row + " has " + target.length + " targets; expected " + depth + ".");
                }
                for (int level = 0; level < depth; level++) {
                    classIds[level][row] = checkId(target[level], space.levels().get(level).labels().size());
                }
            }
        }
        return new LabeledDataset(space, List.copyOf(texts), lines.clone(), classIds, multiHot, skippedEmptyTexts,
                Map.copyOf(unknownLabels));
    }

    private static int checkId(int id, int count) {
        if (id < 0 || id >= count) {
            throw new HeadwiseException("The class id " + id + " is outside 0.." + (count - 1) + ".");
        }
        return id;
    }

    public LabelSpace labelSpace() {
        return labelSpace;
    }

    public int size() {
        return texts.size();
    }

    public List<String> texts() {
        return texts;
    }

    public String text(int row) {
        return texts.get(row);
    }

    /** The 1-based line of the source file the row starts on. */
    public int line(int row) {
        return lines[row];
    }

    /** The class id of a single-label row. */
    public int classId(int row) {
        return classId(row, 0);
    }

    /** The class id of a row at one level (level 0 for flat tasks). */
    public int classId(int row, int level) {
        requireSingleLabel();
        return classIds[level][row];
    }

    /** A copy of the class ids of all rows at one level. */
    public int[] classIds(int level) {
        requireSingleLabel();
        return classIds[level].clone();
    }

    /** Whether a multi-label row has the label. */
    public boolean hasLabel(int row, int label) {
        return multiHot(row, label) != 0f;
    }

    /** Copies the multi-hot vector of a row into {@code target} at {@code offset}. */
    public void copyMultiHot(int row, float[] target, int offset) {
        int width = requireMultiLabel();
        System.arraycopy(multiHot, row * width, target, offset, width);
    }

    private float multiHot(int row, int label) {
        int width = requireMultiLabel();
        return multiHot[row * width + label];
    }

    private void requireSingleLabel() {
        if (classIds == null) {
            throw new HeadwiseException("A multi-label dataset has no single class per row.");
        }
    }

    private int requireMultiLabel() {
        if (multiHot == null) {
            throw new HeadwiseException("A " + labelSpace.task().id() + " dataset has no multi-hot targets.");
        }
        return labelSpace.labels().size();
    }

    /** The rows left out because their text was blank (with {@link EmptyTextPolicy#SKIP}). */
    public int skippedEmptyTexts() {
        return skippedEmptyTexts;
    }

    /** Labels training never saw, with how many rows held each; those rows were left out. */
    public Map<String, Integer> unknownLabels() {
        return unknownLabels;
    }

    /** The total number of rows left out for an unknown label. */
    public int unknownLabelRows() {
        return unknownLabels.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The key a stratified split groups a row by: its class, full path, or label set. */
    String stratum(int row) {
        if (multiHot != null) {
            int width = labelSpace.labels().size();
            StringBuilder key = new StringBuilder(width);
            for (int label = 0; label < width; label++) {
                key.append(multiHot[row * width + label] != 0f ? '1' : '0');
            }
            return key.toString();
        }
        return Arrays.stream(classIds).map(level -> Integer.toString(level[row])).collect(Collectors.joining("/"));
    }
}
