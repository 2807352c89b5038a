package dev.headwise.cli;

import dev.headwise.data.DataSplit;
import dev.headwise.data.DatasetSpec;
import dev.headwise.data.LabelSpace;
import dev.headwise.data.LabeledDataset;
import dev.headwise.data.SplitSpec;
import dev.headwise.data.spamassassin.EmailClass;
import dev.headwise.data.spamassassin.EmailRow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The demo's emails in train, eval and test parts: a stratified {@link DataSplit} of the corpus, then samples of
 * its train and eval parts (the test part is used whole).
 *
 * @param trainPool emails in the train part before sampling
 * @param evalPool emails in the eval part before sampling
 */
record DemoSplits(List<EmailRow> train, List<EmailRow> eval, List<EmailRow> test, int trainPool, int evalPool) {
    static final List<String> LEVELS = List.of("level1", "level2");
    static final double EVAL_FRACTION = 0.1;
    static final double TEST_FRACTION = 0.2;
    /** A train sample gives each class at least 1/8 of its size (hard_ham: all of its emails). */
    static final int MIN_CLASS_SHARE_DIVISOR = 8;

    DemoSplits {
        train = List.copyOf(train);
        eval = List.copyOf(eval);
        test = List.copyOf(test);
    }

    /**
     * @param trainSize emails to sample from the train part; 0 keeps it whole
     * @param evalSize emails to sample from the eval part; 0 keeps it whole
     */
    static DemoSplits of(List<EmailRow> rows, int trainSize, int evalSize, long seed) {
        LabelSpace space = LabelSpace.hierarchical(LEVELS, rows.stream().map(DemoSplits::path).distinct().toList());
        var dataset = LabeledDataset.of(space, rows.stream().map(DemoSplits::text).toList(),
                rows.stream().map(r -> space.encode(path(r))).toList());
        DataSplit split = DataSplit.of(dataset, new SplitSpec(EVAL_FRACTION, TEST_FRACTION, seed, true));
        List<EmailRow> train = pick(rows, split.train());
        List<EmailRow> eval = pick(rows, split.eval());
        // Eval keeps the true class shares: it picks the best epoch for the test split, which has them too.
        return new DemoSplits(trainSize == 0 ? train : stratifiedSample(train, trainSize, trainSize / MIN_CLASS_SHARE_DIVISOR, seed),
                evalSize == 0 ? eval : stratifiedSample(eval, evalSize, 1, seed), pick(rows, split.test()), train.size(),
                eval.size());
    }

    /**
     * About {@code size} of the rows in their original order, each class contributing in proportion to its
     * share but at least {@code minPerClass} rows (or all it has): a small class such as hard_ham (4% of the
     * corpus) then has enough examples to be learnt from a small sample.
     */
    static List<EmailRow> stratifiedSample(List<EmailRow> rows, int size, int minPerClass, long seed) {
        if (size >= rows.size()) return rows;
        Map<EmailClass, List<Integer>> byClass = new EnumMap<>(EmailClass.class);
        for (int i = 0; i < rows.size(); i++) byClass.computeIfAbsent(rows.get(i).emailClass(), c -> new ArrayList<>()).add(i);
        var random = new Random(seed);
        List<Integer> picked = new ArrayList<>();
        for (List<Integer> members : byClass.values()) {
            Collections.shuffle(members, random);
            int take = (int) Math.max(Math.max(1, minPerClass), Math.round((double) members.size() * size / rows.size()));
            picked.addAll(members.subList(0, Math.min(take, members.size())));
        }
        return picked.stream().sorted().map(rows::get).toList();
    }

    /** Class counts per part, in the order train, eval, test. */
    Map<String, Map<String, Integer>> counts() {
        var counts = new LinkedHashMap<String, Map<String, Integer>>();
        counts.put("train", classCounts(train));
        counts.put("eval", classCounts(eval));
        counts.put("test", classCounts(test));
        return counts;
    }

    /** The gold label path of an email, such as [ham, hard_ham]. */
    static List<String> path(EmailRow row) {
        return List.of(row.emailClass().level1(), row.emailClass().level2());
    }

    /** The text the model reads: what {@code train --text-column subject --text-column body} joins. */
    static String text(EmailRow row) {
        return row.subject() + DatasetSpec.DEFAULT_SEPARATOR + row.body();
    }

    private static List<EmailRow> pick(List<EmailRow> rows, int[] indexes) {
        return IntStream.of(indexes).mapToObj(rows::get).toList();
    }

    private static Map<String, Integer> classCounts(List<EmailRow> rows) {
        var counts = new LinkedHashMap<String, Integer>();
        for (EmailClass c : EmailClass.values()) counts.put(c.label(), 0);
        rows.forEach(r -> counts.merge(r.emailClass().label(), 1, Integer::sum));
        return counts;
    }
}
