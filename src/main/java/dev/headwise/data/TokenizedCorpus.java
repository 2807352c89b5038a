package dev.headwise.data;

import dev.headwise.HeadwiseException;
import dev.headwise.tokenize.Encoding;
import dev.headwise.tokenize.TextTokenizer;
import dev.headwise.tokenize.Truncation;
import java.util.List;
import java.util.stream.IntStream;

/**
 * All token ids of a dataset in one array plus offsets, with no object per example: ids are stored as
 * {@code char} (unsigned 16 bits) when the vocabulary has at most 65536 entries, else as {@code int}. Token
 * type ids are kept (as bytes) only if some are non-zero. Immutable.
 */
public final class TokenizedCorpus {
    /** Texts encoded in parallel per chunk, bounding the per-example arrays alive at once. */
    private static final int CHUNK = 4096;

    private final char[] narrowIds;
    private final int[] wideIds;
    private final byte[] typeIds;
    private final int[] offsets;
    private final int padId;
    private final int maxLength;

    private TokenizedCorpus(char[] narrowIds, int[] wideIds, byte[] typeIds, int[] offsets, int padId, int maxLength) {
        this.narrowIds = narrowIds;
        this.wideIds = wideIds;
        this.typeIds = typeIds;
        this.offsets = offsets;
        this.padId = padId;
        this.maxLength = maxLength;
    }

    /** Encodes every text, cut to {@code truncation.maxLength()} tokens at most; texts are encoded in parallel, stored in order. */
    public static TokenizedCorpus build(List<String> texts, TextTokenizer tokenizer, Truncation truncation) {
        int maxLength = truncation.maxLength();
        boolean narrow = tokenizer.vocabSize() <= 1 << 16;
        int[] offsets = new int[texts.size() + 1];
        Builder ids = new Builder(narrow);
        Builder types = new Builder(true);
        boolean anyType = false;
        for (int start = 0; start < texts.size(); start += CHUNK) {
            int first = start;
            Encoding[] chunk = IntStream.range(start, Math.min(start + CHUNK, texts.size())).parallel()
                    .mapToObj(i -> tokenizer.encode(texts.get(i), truncation)).toArray(Encoding[]::new);
            for (int i = 0; i < chunk.length; i++) {
                Encoding encoding = chunk[i];
                int row = first + i;
                if (encoding.ids().length > maxLength || encoding.typeIds().length != encoding.ids().length) {
                    throw new HeadwiseException("The tokenizer returned " + encoding.ids().length + " ids and "
                            + encoding.typeIds().length + " type ids for text " + row + " (at most " + maxLength + " expected).");
                }
                for (int id : encoding.ids()) {
                    if (id < 0 || id >= tokenizer.vocabSize()) {
                        throw new HeadwiseException("The tokenizer returned id " + id + " outside its vocabulary of "
                                + tokenizer.vocabSize() + " for text " + row + ".");
                    }
                }
                for (int type : encoding.typeIds()) {
                    if (type < 0 || type > Byte.MAX_VALUE) {
                        throw new HeadwiseException("The tokenizer returned token type id " + type + " for text " + row + ".");
                    }
                    anyType |= type != 0;
                }
                ids.add(encoding.ids());
                types.add(encoding.typeIds());
                offsets[row + 1] = ids.size;
            }
        }
        byte[] typeBytes = null;
        if (anyType) {
            typeBytes = new byte[types.size];
            for (int i = 0; i < typeBytes.length; i++) {
                typeBytes[i] = (byte) types.narrow[i];
            }
        }
        return new TokenizedCorpus(narrow ? ids.narrowArray() : null, narrow ? null : ids.wideArray(), typeBytes, offsets,
                tokenizer.padId(), maxLength);
    }

    /** A growable id array, char or int. */
    private static final class Builder {
        char[] narrow;
        int[] wide;
        int size;

        Builder(boolean narrow) {
            if (narrow) {
                this.narrow = new char[1024];
            } else {
                this.wide = new int[1024];
            }
        }

        void add(int[] values) {
            if ((long) size + values.length > Integer.MAX_VALUE - 16) {
                throw new HeadwiseException("The dataset has more than 2^31 tokens; use a shorter maximum length or less data.");
            }
            int needed = size + values.length;
            if (narrow != null) {
                if (needed > narrow.length) {
                    narrow = java.util.Arrays.copyOf(narrow, grow(narrow.length, needed));
                }
                for (int v : values) {
                    narrow[size++] = (char) v;
                }
            } else {
                if (needed > wide.length) {
                    wide = java.util.Arrays.copyOf(wide, grow(wide.length, needed));
                }
                System.arraycopy(values, 0, wide, size, values.length);
                size = needed;
            }
        }

        private static int grow(int current, int needed) {
            return (int) Math.min(Integer.MAX_VALUE - 16L, Math.max(needed, current + (current >> 1)));
        }

        char[] narrowArray() {
            return java.util.Arrays.copyOf(narrow, size);
        }

        int[] wideArray() {
            return java.util.Arrays.copyOf(wide, size);
        }
    }

    public int size() {
        return offsets.length - 1;
    }

    /** The number of tokens of a row, special tokens included. */
    public int length(int row) {
        return offsets[row + 1] - offsets[row];
    }

    public long totalTokens() {
        return offsets[offsets.length - 1];
    }

    public int padId() {
        return padId;
    }

    public int maxLength() {
        return maxLength;
    }

    /** Whether any token type id is non-zero (else they are all zero and not stored). */
    public boolean hasTypeIds() {
        return typeIds != null;
    }

    /** Whether ids are stored in 16 bits. */
    public boolean isCompact() {
        return narrowIds != null;
    }

    public int id(int row, int position) {
        int index = offsets[row] + checkPosition(row, position);
        return narrowIds != null ? narrowIds[index] : wideIds[index];
    }

    public int typeId(int row, int position) {
        return typeIds == null ? 0 : typeIds[offsets[row] + checkPosition(row, position)];
    }

    /** A copy of a row's ids. */
    public int[] ids(int row) {
        return IntStream.range(0, length(row)).map(p -> id(row, p)).toArray();
    }

    private int checkPosition(int row, int position) {
        if (position < 0 || position >= length(row)) {
            throw new IndexOutOfBoundsException("Position " + position + " of row " + row + " (length " + length(row) + ")");
        }
        return position;
    }
}
