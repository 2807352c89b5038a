package dev.headwise.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The rows of a dataset in train, eval and test parts (each sorted ascending), with the spec that made them.
 * Saved as JSON so that evaluation can be repeated on the same rows.
 *
 * <p>Splitting is deterministic: rows are grouped into strata (one stratum unless stratified; strata in order
 * of their key), each stratum is shuffled by Fisher-Yates with one {@link SplittableRandom} seeded with the
 * spec's seed, and its first rows go to eval, then test. Per-stratum counts are the floors of size × fraction,
 * with the remainder of the overall target given to the strata with the largest fractional parts; every
 * stratum keeps at least one row in train, so a class with a single example always trains.
 */
public record DataSplit(@JsonProperty("spec") SplitSpec spec, @JsonProperty("size") int size,
                        @JsonProperty("train") int[] train, @JsonProperty("eval") int[] eval, @JsonProperty("test") int[] test) {

    public DataSplit {
        if (spec == null || train == null || eval == null || test == null) {
            throw new HeadwiseException("A data split needs its spec and its train, eval and test rows.");
        }
        boolean[] seen = new boolean[Math.max(size, 0)];
        for (int[] part : List.of(train, eval, test)) {
            for (int row : part) {
                if (row < 0 || row >= size || seen[row]) {
                    throw new HeadwiseException("The data split lists row " + row + " twice or outside 0.." + (size - 1) + ".");
                }
                seen[row] = true;
            }
        }
        train = train.clone();
        eval = eval.clone();
        test = test.clone();
    }

    /** Splits the rows of {@code dataset} as {@code spec} says. */
    public static DataSplit of(LabeledDataset dataset, SplitSpec spec) {
        Map<String, List<Integer>> strata = new java.util.TreeMap<>();
        for (int row = 0; row < dataset.size(); row++) {
            strata.computeIfAbsent(spec.stratified() ? dataset.stratum(row) : "", k -> new ArrayList<>()).add(row);
        }
        List<int[]> groups = strata.values().stream().map(g -> g.stream().mapToInt(Integer::intValue).toArray()).toList();
        SplittableRandom random = new SplittableRandom(spec.seed());
        groups.forEach(group -> BatchSampler.shuffle(group, random));

        int[] evalCounts = allocate(groups, spec.evalFraction(), new int[groups.size()]);
        int[] testCounts = allocate(groups, spec.testFraction(), evalCounts);
        List<Integer> train = new ArrayList<>();
        List<Integer> eval = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            int[] group = groups.get(g);
            for (int i = 0; i < group.length; i++) {
                (i < evalCounts[g] ? eval : i < evalCounts[g] + testCounts[g] ? test : train).add(group[i]);
            }
        }
        return new DataSplit(spec, dataset.size(), sorted(train), sorted(eval), sorted(test));
    }

    /** How many rows of each group go to a part of {@code fraction}, given rows already taken per group. */
    private static int[] allocate(List<int[]> groups, double fraction, int[] taken) {
        int total = groups.stream().mapToInt(g -> g.length).sum();
        int target = (int) Math.round(total * fraction);
        int[] counts = new int[groups.size()];
        double[] remainders = new double[groups.size()];
        int assigned = 0;
        for (int g = 0; g < counts.length; g++) {
            double ideal = groups.get(g).length * fraction;
            counts[g] = Math.min((int) Math.floor(ideal), capacity(groups.get(g), taken[g], 0));
            remainders[g] = ideal - counts[g];
            assigned += counts[g];
        }
        Integer[] order = new Integer[counts.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble((Integer g) -> -remainders[g]));
        for (int g : order) {
            if (assigned >= target) {
                break;
            }
            if (capacity(groups.get(g), taken[g], counts[g]) > 0) {
                counts[g]++;
                assigned++;
            }
        }
        return counts;
    }

    /** Rows a group can still give away while keeping one for training. */
    private static int capacity(int[] group, int taken, int counted) {
        return Math.max(0, group.length - 1 - taken - counted);
    }

    private static int[] sorted(List<Integer> rows) {
        return rows.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    @Override
    public int[] train() {
        return train.clone();
    }

    @Override
    public int[] eval() {
        return eval.clone();
    }

    @Override
    public int[] test() {
        return test.clone();
    }

    /** Fails unless this split was made for a dataset of {@code datasetSize} rows. */
    public void requireSize(int datasetSize) {
        if (datasetSize != size) {
            throw new HeadwiseException("The saved data split is for " + size + " rows but the dataset has " + datasetSize
                    + "; split it again or use the same data file.");
        }
    }

    public void save(Path file) {
        try {
            Json.INDENTED.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new HeadwiseException("Cannot write the data split to " + file + ": " + e.getMessage() + ".", e);
        }
    }

    public static DataSplit load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new HeadwiseException("The data split file " + file + " does not exist.");
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), DataSplit.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new HeadwiseException("The data split file " + file + " is not valid: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DataSplit that && spec.equals(that.spec) && size == that.size && Arrays.equals(train, that.train)
                && Arrays.equals(eval, that.eval) && Arrays.equals(test, that.test);
    }

    @Override
    public int hashCode() {
        return spec.hashCode() * 31 + Arrays.hashCode(train);
    }

    @Override
    public String toString() {
        return "DataSplit[" + spec + ", train=" + train.length + ", eval=" + eval.length + ", test=" + test.length + "]";
    }
}
