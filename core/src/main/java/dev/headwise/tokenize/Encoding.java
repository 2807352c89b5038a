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

    /**
     * The leading special tokens, tokens {@code from} (inclusive) to {@code to} (exclusive), and the trailing
     * special tokens.
     */
    Encoding window(int from, int to, SpecialTokens specials) {
        int lead = specials.leading(), trail = specials.trailing();
        int n = lead + (to - from) + trail;
        int[] outIds = new int[n];
        int[] outTypes = new int[n];
        System.arraycopy(ids, 0, outIds, 0, lead);
        System.arraycopy(typeIds, 0, outTypes, 0, lead);
        System.arraycopy(ids, from, outIds, lead, to - from);
        System.arraycopy(typeIds, from, outTypes, lead, to - from);
        System.arraycopy(ids, ids.length - trail, outIds, n - trail, trail);
        System.arraycopy(typeIds, typeIds.length - trail, outTypes, n - trail, trail);
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
