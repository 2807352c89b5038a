package dev.headwise.data;

/**
 * One padded batch, row-major (B, T) flat arrays ready for tensors. Exactly one of {@code classIds} and
 * {@code multiHot} is set.
 *
 * @param size B, the number of rows
 * @param length T, the longest row of the batch
 * @param inputIds token ids, padded with the tokenizer's pad id
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param tokenTypeIds token type ids, or null when they are all zero
 * @param rows the dataset rows of the batch, in batch order
 * @param classIds single-label or hierarchical targets, {@code [level][b]} (one level for flat tasks)
 * @param multiHot multi-label targets, {@code [b * labelCount + label]}
 */
public record Batch(int size, int length, long[] inputIds, long[] attentionMask, long[] tokenTypeIds, int[] rows,
                    int[][] classIds, float[] multiHot) {

    /** Real tokens over B × T. */
    public double paddingEfficiency() {
        long real = 0;
        for (long mask : attentionMask) {
            real += mask;
        }
        return attentionMask.length == 0 ? 1.0 : (double) real / attentionMask.length;
    }
}
