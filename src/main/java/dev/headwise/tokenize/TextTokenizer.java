package dev.headwise.tokenize;

import java.util.List;

/** Turns text into token ids with special tokens; implementations are safe for concurrent callers. */
public interface TextTokenizer extends AutoCloseable {
    /** Token ids and token-type ids of one text, with special tokens, truncated to {@code maxLength}. */
    Encoding encode(String text, int maxLength);

    default List<Encoding> encodeBatch(List<String> texts, int maxLength) {
        return texts.stream().map(t -> encode(t, maxLength)).toList();
    }

    int padId();

    int vocabSize();

    @Override
    void close();

    /** One encoded text; the attention mask is implicit (all ones) until the batcher pads. */
    record Encoding(int[] ids, int[] typeIds) {}
}
