package dev.headwise.data;

import dev.headwise.Task;
import dev.headwise.HeadwiseException;
import dev.headwise.tokenize.Padding;
import java.util.Arrays;

/**
 * Builds padded batches from the token ids and targets of one dataset (dynamic padding to the batch's longest
 * row, on the side the model expects). A window carries the targets of its text.
 */
public final class BatchCollator {
    private final TokenizedCorpus corpus;
    private final LabeledDataset dataset;
    private final Padding padding;

    /** Pads on the right with the corpus's pad id and token type 0, as BERT-family models expect. */
    public BatchCollator(TokenizedCorpus corpus, LabeledDataset dataset) {
        this(corpus, dataset, Padding.right(corpus.padId()));
    }

    /** Pads as {@code padding} says. */
    public BatchCollator(TokenizedCorpus corpus, LabeledDataset dataset, Padding padding) {
        if (corpus.documents() != dataset.size()) {
            throw new HeadwiseException("The tokenized corpus has " + corpus.documents() + " texts but the dataset " + dataset.size() + ".");
        }
        this.corpus = corpus;
        this.dataset = dataset;
        this.padding = padding;
    }

    public Batch collate(int[] rows) {
        int size = rows.length;
        int length = Arrays.stream(rows).map(corpus::length).max().orElse(0);
        long[] ids = new long[size * length];
        long[] mask = new long[size * length];
        long[] types = corpus.hasTypeIds() ? new long[size * length] : null;
        Arrays.fill(ids, padding.id());
        if (types != null) Arrays.fill(types, padding.typeId());
        for (int b = 0; b < size; b++) {
            int row = rows[b];
            int start = b * length + padding.start(corpus.length(row), length);
            for (int t = 0; t < corpus.length(row); t++) {
                ids[start + t] = corpus.id(row, t);
                mask[start + t] = 1;
                if (types != null) {
                    types[start + t] = corpus.typeId(row, t);
                }
            }
        }
        LabelSpace space = dataset.labelSpace();
        if (space.task() == Task.MULTILABEL) {
            int width = space.labels().size();
            float[] multiHot = new float[size * width];
            for (int b = 0; b < size; b++) {
                dataset.copyMultiHot(corpus.document(rows[b]), multiHot, b * width);
            }
            return new Batch(size, length, ids, mask, types, rows.clone(), null, multiHot);
        }
        int[][] classIds = new int[space.levels().size()][size];
        for (int level = 0; level < classIds.length; level++) {
            for (int b = 0; b < size; b++) {
                classIds[level][b] = dataset.classId(corpus.document(rows[b]), level);
            }
        }
        return new Batch(size, length, ids, mask, types, rows.clone(), classIds, null);
    }
}
