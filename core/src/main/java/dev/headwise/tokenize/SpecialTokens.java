package dev.headwise.tokenize;

/**
 * How many special tokens a tokenizer puts before and after a single text: {@code [CLS] text [SEP]} for BERT,
 * {@code <s> text </s>} for RoBERTa, {@code text <sep> <cls>} for XLNet. Truncation and windows keep them and cut
 * the text between them, as HF's tokenizers do.
 */
public record SpecialTokens(int leading, int trailing) {
    /** One before and one after: BERT's and RoBERTa's. */
    public static final SpecialTokens BERT = new SpecialTokens(1, 1);

    public SpecialTokens {
        if (leading < 0 || trailing < 0) throw new IllegalArgumentException("negative special token count");
    }

    public int count() {
        return leading + trailing;
    }
}
