package dev.headwise.distributed;

/**
 * A rank's share of a global batch: every {@code size}-th row from its rank on. The shares are disjoint, cover
 * the batch and differ by at most one row; in a batch sorted longest first (length grouping) each rank gets
 * rows of all lengths, so no rank always pads to the longest.
 */
public final class Shards {
    private Shards() {}

    public static int[] of(int[] batch, int rank, int size) {
        if (size == 1) return batch;
        int n = batch.length > rank ? (batch.length - rank + size - 1) / size : 0;
        int[] mine = new int[n];
        for (int i = 0; i < n; i++) mine[i] = batch[rank + i * size];
        return mine;
    }

    /** Rank {@code rank}'s contiguous share of {@code count} items (eval batches), as [from, to). */
    public static int[] range(int count, int rank, int size) {
        int base = count / size;
        int extra = count % size;
        int from = rank * base + Math.min(rank, extra);
        return new int[] {from, from + base + (rank < extra ? 1 : 0)};
    }
}
