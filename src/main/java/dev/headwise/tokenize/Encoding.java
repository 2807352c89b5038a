package dev.headwise.tokenize;

import java.util.Arrays;

/**
 * The token ids of one text, special tokens included; its attention mask is all ones (padding is added
 * later, by whoever batches encodings).
 *
 * @param ids token ids
 * @param typeIds segment (token type) ids, same length as {@code ids}
 */
public record Encoding(int[] ids, int[] typeIds) {

    public Encoding {
        if (ids.length != typeIds.length) {
            throw new IllegalArgumentException(ids.length + " ids but " + typeIds.length + " type ids");
        }
        ids = ids.clone();
        typeIds = typeIds.clone();
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    @Override
    public int[] typeIds() {
        return typeIds.clone();
    }

    public int length() {
        return ids.length;
    }

    /** The first {@code head} and the last {@code tail} tokens, read from the arrays without copying them whole. */
    Encoding keep(int head, int tail) {
        int[] outIds = Arrays.copyOf(ids, head + tail);
        int[] outTypes = Arrays.copyOf(typeIds, head + tail);
        System.arraycopy(ids, ids.length - tail, outIds, head, tail);
        System.arraycopy(typeIds, typeIds.length - tail, outTypes, head, tail);
        return new Encoding(outIds, outTypes);
    }

    /** The opening special token, tokens {@code from} (inclusive) to {@code to} (exclusive), and the closing one. */
    Encoding window(int from, int to) {
        int n = to - from + 2;
        int[] outIds = new int[n];
        int[] outTypes = new int[n];
        outIds[0] = ids[0];
        outTypes[0] = typeIds[0];
        System.arraycopy(ids, from, outIds, 1, n - 2);
        System.arraycopy(typeIds, from, outTypes, 1, n - 2);
        outIds[n - 1] = ids[ids.length - 1];
        outTypes[n - 1] = typeIds[typeIds.length - 1];
        return new Encoding(outIds, outTypes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(typeIds, e.typeIds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(typeIds);
    }

    @Override
    public String toString() {
        return "Encoding" + Arrays.toString(ids);
    }
}
