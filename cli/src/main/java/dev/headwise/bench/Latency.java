package dev.headwise.bench;

import java.util.Arrays;

/** Percentiles of a set of call durations, in milliseconds. */
public record Latency(double p50Ms, double p90Ms, double p99Ms, double p999Ms, int samples) {

    /** Nearest-rank percentiles of {@code nanos} (at least one sample; p99.9 is the slowest below 1,000). */
    public static Latency of(long[] nanos) {
        if (nanos.length == 0) throw new IllegalArgumentException("no samples");
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Latency(rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99), rank(sorted, 0.999), sorted.length);
    }

    private static double rank(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }
}
