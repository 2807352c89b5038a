package dev.headwise.tokenize;

import java.util.List;

/**
 * Turns text into model input ids. Implementations are safe for concurrent use by several threads
 * (but not concurrently with {@link #close()}).
 */
public interface TextTokenizer extends AutoCloseable {

    /**
     * Encodes one text with the model's special tokens ({@code [CLS] ... [SEP]} for BERT, {@code ... <sep> <cls>}
     * for XLNet), cut as {@code truncation} says when longer.
     */
    Encoding encode(String text, Truncation truncation);

    /** {@link #encode(String, Truncation)} keeping the first {@code maxLength} tokens (at least 2). */
    default Encoding encode(String text, int maxLength) {
        return encode(text, Truncation.head(maxLength));
    }

    /** The windows of {@code maxLength} tokens that cover {@code text} (its first {@link Windows#maxWindows()}). */
    default List<Encoding> encodeWindows(String text, int maxLength, Windows windows) {
        return windows.split(encode(text, Truncation.head(Integer.MAX_VALUE)), maxLength, specialTokens());
    }

    /** The special tokens {@link #encode} puts around a text: BERT's one on each side unless overridden. */
    default SpecialTokens specialTokens() {
        return SpecialTokens.BERT;
    }

    /** {@link #encode} for each text, in order; may be faster than one call per text. */
    default List<Encoding> encodeBatch(List<String> texts, Truncation truncation) {
        return texts.stream().map(t -> encode(t, truncation)).toList();
    }

    /** {@link #encodeBatch(List, Truncation)} keeping the first {@code maxLength} tokens of each text. */
    default List<Encoding> encodeBatch(List<String> texts, int maxLength) {
        return encodeBatch(texts, Truncation.head(maxLength));
    }

    /** The id to pad batches with. */
    int padId();

    /** One more than the largest id this tokenizer can produce. */
    int vocabSize();

    /** The longest input, in tokens, the model's tokenizer_config.json allows ({@code model_max_length}); MAX_VALUE if unknown. */
    default int modelMaxLength() {
        return Integer.MAX_VALUE;
    }

    /** The text of these ids, special tokens left out. */
    String decode(int[] ids);

    /** Frees the native tokenizer; further use fails with {@link IllegalStateException}. */
    @Override
    void close();
}
