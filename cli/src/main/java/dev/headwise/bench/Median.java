package dev.headwise.bench;

import java.util.Arrays;

/** The median of a sample: its middle value, or the mean of the middle two for an even count. */
final class Median {
    private Median() {}

    static double of(double... values) {
        if (values.length == 0) throw new IllegalArgumentException("no samples");
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
