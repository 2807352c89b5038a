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

    /** At most {@code maxLength} tokens, keeping the last one (the closing special token). */
    public Encoding truncate(int maxLength) {
        if (ids.length <= maxLength) return this;
        int[] outIds = Arrays.copyOf(ids, maxLength);
        int[] outTypes = Arrays.copyOf(typeIds, maxLength);
        outIds[maxLength - 1] = ids[ids.length - 1];
        outTypes[maxLength - 1] = typeIds[ids.length - 1];
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
