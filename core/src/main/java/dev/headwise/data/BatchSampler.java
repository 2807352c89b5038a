package dev.headwise.data;

import dev.headwise.HeadwiseException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * Orders training rows into batches per epoch. An epoch's order depends only on (seed, epoch), so training can
 * resume at any data position (epoch, batch index) by recomputing the plan.
 *
 * <p>Length grouping follows the Hugging Face {@code group_by_length} sampler: shuffle, cut into mega-batches of
 * {@code megaBatchFactor × batchSize} rows, sort each by length (longest first), cut into batches.
 *
 * @param batchSize rows per batch (the last batch of an epoch may be smaller)
 * @param seed the seed shared by all epochs
 * @param grouping whether and how to group by length
 * @param megaBatchFactor mega-batch size in batches (50 in Hugging Face)
 */
public record BatchSampler(int batchSize, long seed, LengthGrouping grouping, int megaBatchFactor) {
    public BatchSampler {
        if (batchSize < 1 || megaBatchFactor < 1) {
            throw new HeadwiseException("The batch size and mega-batch factor must be positive; got " + batchSize + " and "
                    + megaBatchFactor + ".");
        }
        if (grouping == null) {
            throw new HeadwiseException("The length grouping must be given.");
        }
    }

    public BatchSampler(int batchSize, long seed, LengthGrouping grouping) {
        this(batchSize, seed, grouping, 50);
    }

    /** The batches of one epoch over {@code rows}; {@code length} gives a row's token count. */
    public BatchPlan epoch(int epoch, int[] rows, IntUnaryOperator length) {
        if (epoch < 0) {
            throw new HeadwiseException("The epoch must not be negative, not " + epoch + ".");
        }
        SplittableRandom random = epochRandom(epoch);
        int[] order = rows.clone();
        shuffle(order, random);
        if (grouping == LengthGrouping.NONE) {
            return BatchPlan.chunked(order, batchSize);
        }
        int megaBatch = Math.multiplyExact(batchSize, megaBatchFactor);
        Integer[] boxed = Arrays.stream(order).boxed().toArray(Integer[]::new);
        Comparator<Integer> longestFirst = Comparator.comparingInt(row -> -length.applyAsInt(row));
        for (int start = 0; start < boxed.length; start += megaBatch) {
            Arrays.sort(boxed, start, Math.min(start + megaBatch, boxed.length), longestFirst); // stable
        }
        int[][] batches = BatchPlan.chunked(Arrays.stream(boxed).mapToInt(Integer::intValue).toArray(), batchSize).batches();
        if (grouping == LengthGrouping.SHUFFLED) {
            shuffle(batches, random);
        } else {
            int longest = 0;
            for (int b = 1; b < batches.length; b++) {
                if (length.applyAsInt(batches[b][0]) > length.applyAsInt(batches[longest][0])) {
                    longest = b;
                }
            }
            int[] first = batches[0];
            batches[0] = batches[longest];
            batches[longest] = first;
        }
        return new BatchPlan(batches);
    }

    /** The generator of one epoch: {@code new SplittableRandom(seed).split()} applied {@code epoch + 1} times. */
    private SplittableRandom epochRandom(int epoch) {
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom random;
        int splits = 0;
        do {
            random = root.split();
        } while (splits++ < epoch);
        return random;
    }

    /** Fisher-Yates, the one shuffle of the data layer (splits and epochs). */
    static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    private static void shuffle(int[][] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int[] swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }
}
