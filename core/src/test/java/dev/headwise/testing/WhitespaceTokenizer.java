package dev.headwise.testing;

import dev.headwise.tokenize.Encoding;
import dev.headwise.tokenize.SpecialTokens;
import dev.headwise.tokenize.TextTokenizer;
import dev.headwise.tokenize.Truncation;
import java.util.Arrays;

/**
 * A test tokenizer: [CLS]=1, words, [SEP]=2; a word's id is 3 + its length (so ids are predictable); pad = 0.
 * Type ids are 1 after a {@code ||} marker when {@code pairs} is set.
 */
public record WhitespaceTokenizer(int vocabSize, boolean pairs) implements TextTokenizer {
    public WhitespaceTokenizer() {
        this(100, false);
    }

    @Override
    public Encoding encode(String text, Truncation truncation) {
        String[] words = text.isBlank() ? new String[0] : text.trim().split("\\s+");
        int[] ids = new int[words.length + 2];
        int[] types = new int[ids.length];
        ids[0] = 1;
        int type = 0;
        for (int i = 1; i < ids.length - 1; i++) {
            String word = words[i - 1];
            if (pairs && word.equals("||")) {
                type = 1;
            }
            ids[i] = Math.min(vocabSize - 1, 3 + word.length() + (vocabSize > 65536 ? 70000 : 0));
            types[i] = type;
        }
        ids[ids.length - 1] = 2;
        types[ids.length - 1] = type;
        return truncation.apply(new Encoding(ids, types), SpecialTokens.BERT);
    }

    @Override
    public int padId() {
        return 0;
    }

    @Override
    public String decode(int[] ids) {
        return Arrays.toString(ids);
    }

    @Override
    public void close() {}
}
