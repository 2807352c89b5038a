package dev.headwise.data;

import dev.headwise.HeadwiseException;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/** The batches of one pass over data, each a list of dataset rows. Immutable. */
public final class BatchPlan {
    private final int[][] batches;

    BatchPlan(int[][] batches) {
        this.batches = batches;
    }

    /** Rows in the given order, for evaluation and prediction. */
    public static BatchPlan sequential(int[] rows, int batchSize) {
        if (batchSize < 1) {
            throw new HeadwiseException("The batch size must be positive, not " + batchSize + ".");
        }
        return chunked(rows.clone(), batchSize);
    }

    static BatchPlan chunked(int[] rows, int batchSize) {
        int[][] batches = new int[(rows.length + batchSize - 1) / batchSize][];
        for (int b = 0; b < batches.length; b++) {
            batches[b] = Arrays.copyOfRange(rows, b * batchSize, Math.min(rows.length, (b + 1) * batchSize));
        }
        return new BatchPlan(batches);
    }

    public int batchCount() {
        return batches.length;
    }

    /** A copy of the rows of batch {@code index}. */
    public int[] batch(int index) {
        return batches[index].clone();
    }

    int[][] batches() {
        return batches;
    }

    /** Real tokens over padded tokens when each batch pads to its longest row (1 = no padding). */
    public double paddingEfficiency(IntUnaryOperator length) {
        long real = 0;
        long padded = 0;
        for (int[] batch : batches) {
            int longest = 0;
            for (int row : batch) {
                int n = length.applyAsInt(row);
                real += n;
                longest = Math.max(longest, n);
            }
            padded += (long) longest * batch.length;
        }
        return padded == 0 ? 1.0 : (double) real / padded;
    }
}
