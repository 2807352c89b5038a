package dev.headwise.data;

import dev.headwise.HeadwiseException;
import dev.headwise.tokenize.Encoding;
import dev.headwise.tokenize.TextTokenizer;
import dev.headwise.tokenize.Truncation;
import dev.headwise.tokenize.Windows;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * All token ids of a dataset in one array plus offsets, with no object per example: ids are stored as
 * {@code char} (unsigned 16 bits) when the vocabulary has at most 65536 entries, else as {@code int}. Token
 * type ids are kept (as bytes) only if some are non-zero. Read as {@link Windows}, a text is several rows,
 * its windows, consecutive; otherwise each row is one text. Immutable.
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
    private final int[] documentStarts; // null: one row per text
    private final Windows windows;      // null: one row per text

    private TokenizedCorpus(char[] narrowIds, int[] wideIds, byte[] typeIds, int[] offsets, int padId, int maxLength,
                            int[] documentStarts, Windows windows) {
        this.narrowIds = narrowIds;
        this.wideIds = wideIds;
        this.typeIds = typeIds;
        this.offsets = offsets;
        this.padId = padId;
        this.maxLength = maxLength;
        this.documentStarts = documentStarts;
        this.windows = windows;
    }

    /** Encodes every text, cut to {@code truncation.maxLength()} tokens at most; texts are encoded in parallel, stored in order. */
    public static TokenizedCorpus build(List<String> texts, TextTokenizer tokenizer, Truncation truncation) {
        return build(texts, tokenizer, truncation.maxLength(), t -> List.of(tokenizer.encode(t, truncation)), null);
    }

    /** Encodes every text as its windows of {@code maxLength} tokens, a row each; a text's windows are consecutive rows. */
    public static TokenizedCorpus build(List<String> texts, TextTokenizer tokenizer, int maxLength, Windows windows) {
        windows.check(maxLength);
        return build(texts, tokenizer, maxLength, t -> tokenizer.encodeWindows(t, maxLength, windows), windows);
    }

    private static TokenizedCorpus build(List<String> texts, TextTokenizer tokenizer, int maxLength,
                                         Function<String, List<Encoding>> encode, Windows windows) {
        boolean narrow = tokenizer.vocabSize() <= 1 << 16;
        var offsets = new IntList();
        offsets.add(0);
        int[] starts = new int[texts.size() + 1];
        Builder ids = new Builder(narrow);
        Builder types = new Builder(true);
        boolean anyType = false;
        for (int start = 0; start < texts.size(); start += CHUNK) {
            int first = start;
            @SuppressWarnings("unchecked")
            List<Encoding>[] chunk = IntStream.range(start, Math.min(start + CHUNK, texts.size())).parallel()
                    .mapToObj(i -> encode.apply(texts.get(i))).toArray(List[]::new);
            for (int i = 0; i < chunk.length; i++) {
                int row = first + i;
                starts[row + 1] = starts[row] + chunk[i].size();
                for (Encoding encoding : chunk[i]) {
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
                    offsets.add(ids.size);
                }
            }
        }
        byte[] typeBytes = null;
        if (anyType) {
            typeBytes = new byte[types.size];
            for (int i = 0; i < typeBytes.length; i++) {
                typeBytes[i] = (byte) types.narrow[i];
            }
        }
        return new TokenizedCorpus(narrow ? ids.narrowArray() : null, narrow ? null : ids.wideArray(), typeBytes,
                offsets.toArray(), tokenizer.padId(), maxLength, windows != null ? starts : null, windows);
    }

    /** A growable int array. */
    private static final class IntList {
        int[] values = new int[1024];
        int size;

        void add(int v) {
            if (size == values.length) values = java.util.Arrays.copyOf(values, Builder.grow(values.length, size + 1));
            values[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
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

    /** The number of rows: texts, or their windows when read as windows. */
    public int size() {
        return offsets.length - 1;
    }

    /** The windows the rows are, or null when each row is one text. */
    public Windows windows() {
        return windows;
    }

    /** The number of texts. */
    public int documents() {
        return documentStarts == null ? size() : documentStarts.length - 1;
    }

    /** The first row of text {@code document}; {@code firstRow(documents())} is {@link #size()}. */
    public int firstRow(int document) {
        return documentStarts == null ? document : documentStarts[document];
    }

    /** The text a row belongs to. */
    public int document(int row) {
        if (documentStarts == null) return row;
        int i = java.util.Arrays.binarySearch(documentStarts, row);
        // Texts have one window at least, so starts are distinct; a miss lies inside the text before the insertion point.
        return i >= 0 ? i : -i - 2;
    }

    /** The rows of these texts, in order: the texts themselves, or all their windows. */
    public int[] rowsOf(int[] documents) {
        if (documentStarts == null) return documents.clone();
        return java.util.Arrays.stream(documents).flatMap(d -> IntStream.range(firstRow(d), firstRow(d + 1))).toArray();
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
