package dev.headwise.metrics;

import dev.headwise.HeadwiseException;

/** Shape checks and conversions for score matrices. */
public final class Scores {
    private Scores() {}

    public static double[][] toDouble(float[][] scores) {
        double[][] result = new double[scores.length][];
        for (int i = 0; i < scores.length; i++) {
            result[i] = new double[scores[i].length];
            for (int j = 0; j < scores[i].length; j++) {
                result[i][j] = scores[i][j];
            }
        }
        return result;
    }

    /** The index of the highest score (the first on ties). */
    public static int argmax(double[] scores) {
        int best = 0;
        for (int c = 1; c < scores.length; c++) {
            if (scores[c] > scores[best]) {
                best = c;
            }
        }
        return best;
    }

    static void requireShape(double[][] scores, int rows, int columns, String what) {
        if (scores.length != rows) {
            throw new HeadwiseException("The " + what + " have " + scores.length + " rows but there are " + rows + " gold labels.");
        }
        for (double[] row : scores) {
            if (row.length != columns) {
                throw new HeadwiseException("The " + what + " need " + columns + " columns, one per class, not " + row.length + ".");
            }
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    throw new HeadwiseException("The " + what + " hold a value that is not a finite number.");
                }
            }
        }
    }
}
