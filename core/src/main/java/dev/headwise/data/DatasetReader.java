package dev.headwise.data;

import dev.headwise.Task;
import dev.headwise.HeadwiseException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads a labeled table into a {@link LabeledDataset}. */
public final class DatasetReader {
    private DatasetReader() {}

    /** Reads training data and fits the label space to its labels. */
    public static LabeledDataset readTraining(Path path, DatasetSpec spec) {
        return read(path, spec, null);
    }

    /**
     * Reads data for a trained label space (evaluation, prediction with gold labels). Rows with a label training
     * never saw are left out and counted in {@link LabeledDataset#unknownLabels()}.
     */
    public static LabeledDataset read(Path path, DatasetSpec spec, LabelSpace trained) {
        if (trained != null && trained.task() != spec.labels().task()) {
            throw new HeadwiseException("The model was trained for a " + trained.task().id() + " task but the data is read as "
                    + spec.labels().task().id() + ".");
        }
        List<String> texts = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        List<List<String>> raws = new ArrayList<>();
        int skipped = 0;
        try (TableReader table = spec.format() == null ? TableReader.open(path) : TableReader.open(path, spec.format())) {
            table.requireColumns(spec.textColumns());
            LabelScheme.LabelReader labels = spec.labels().bind(table);
            while (table.hasNext()) {
                Row row = table.next();
                String text = spec.text(row);
                if (text.isBlank()) {
                    if (spec.emptyText() == EmptyTextPolicy.ERROR) {
                        throw new HeadwiseException("Line " + row.line() + " of " + row.source() + " has an empty text; fill it in,"
                                + " or pass --skip-empty to leave out such rows (they are counted).");
                    }
                    skipped++;
                    continue;
                }
                texts.add(text);
                lines.add(Math.toIntExact(row.line()));
                raws.add(labels.read(row));
            }
            if (texts.isEmpty()) {
                throw new HeadwiseException(table.source() + " has no rows with text.");
            }
            LabelSpace space = trained != null ? trained : labels.fit(raws);
            return encode(space, texts, lines, raws, skipped);
        }
    }

    private static LabeledDataset encode(LabelSpace space, List<String> texts, List<Integer> lines, List<List<String>> raws,
                                         int skipped) {
        List<String> keptTexts = new ArrayList<>(texts.size());
        List<int[]> targets = new ArrayList<>(texts.size());
        int[] keptLines = new int[texts.size()];
        Map<String, Integer> unknown = new TreeMap<>();
        for (int row = 0; row < texts.size(); row++) {
            List<String> raw = raws.get(row);
            int[] target = space.encode(raw);
            if (target == null) {
                unknown.merge(unknownKey(space, raw), 1, Integer::sum);
                continue;
            }
            keptLines[keptTexts.size()] = lines.get(row);
            keptTexts.add(texts.get(row));
            targets.add(target);
        }
        return LabeledDataset.of(space, keptTexts, java.util.Arrays.copyOf(keptLines, keptTexts.size()), targets, skipped, unknown);
    }

    private static String unknownKey(LabelSpace space, List<String> raw) {
        if (space.task() == Task.MULTILABEL) {
            return String.join(", ", raw.stream().filter(label -> space.indexOf(0, label) < 0).toList());
        }
        return String.join("/", raw);
    }
}
