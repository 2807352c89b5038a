package dev.headwise.metrics;

import dev.headwise.HeadwiseException;

/**
 * Turns per-level scores into one class per level. Consistent decoding takes the best level-1 class, then the
 * best among the valid children of that class at level 2, and so on; independent decoding takes each level's
 * argmax. A pure function, shared by evaluation and prediction.
 */
public final class HierarchicalDecoder {
    private HierarchicalDecoder() {}

    /**
     * Decodes one example.
     *
     * @param levelScores {@code levelScores[l][c]}: the score of class c at level l
     * @param hierarchy {@code hierarchy[l][p]}: the valid class ids at level l + 1 under class p of level l (as
     *     {@code LabelSpace.hierarchy()} gives them); a parent without known children allows every class
     * @param consistent whether to follow the hierarchy
     */
    public static int[] decode(double[][] levelScores, int[][][] hierarchy, boolean consistent) {
        if (consistent && hierarchy.length != levelScores.length - 1) {
            throw new HeadwiseException("The hierarchy links " + (hierarchy.length + 1) + " levels but there are scores for "
                    + levelScores.length + ".");
        }
        int[] path = new int[levelScores.length];
        for (int level = 0; level < levelScores.length; level++) {
            double[] scores = levelScores[level];
            int[] allowed = consistent && level > 0 ? hierarchy[level - 1][path[level - 1]] : null;
            if (allowed == null || allowed.length == 0) {
                path[level] = Scores.argmax(scores);
            } else {
                int best = allowed[0];
                for (int c : allowed) {
                    if (scores[c] > scores[best]) {
                        best = c;
                    }
                }
                path[level] = best;
            }
        }
        return path;
    }
}
