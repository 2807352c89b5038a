package dev.headwise.bench;

import java.util.SplittableRandom;

/** Reproducible token ids for benchmarks: every row full length, no padding, never the pad id 0. */
public final class RandomTokens {
    private RandomTokens() {}

    /** {@code rows x seq} ids in [1, vocab), row-major. */
    public static long[] ids(long seed, int rows, int seq, int vocab) {
        var rnd = new SplittableRandom(seed);
        long[] ids = new long[Math.multiplyExact(rows, seq)];
        for (int i = 0; i < ids.length; i++) ids[i] = 1 + rnd.nextInt(vocab - 1);
        return ids;
    }

    /** An all-ones attention mask of {@code rows x seq}. */
    public static long[] fullMask(int rows, int seq) {
        long[] mask = new long[Math.multiplyExact(rows, seq)];
        java.util.Arrays.fill(mask, 1);
        return mask;
    }
}
