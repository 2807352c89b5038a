package dev.headwise.tokenize;

/**
 * The settings of HF's {@code BertNormalizer}, as {@code tokenizer_config.json} names them.
 *
 * @param lowercase    {@code do_lower_case}
 * @param stripAccents {@code strip_accents}; null follows {@code lowercase}, as in the original BERT
 * @param chineseChars {@code tokenize_chinese_chars}: spaces around CJK characters
 */
public record BertNormalization(boolean lowercase, Boolean stripAccents, boolean chineseChars) {
    /** HF's {@code BertTokenizer} defaults. */
    public static final BertNormalization DEFAULT = new BertNormalization(true, null, true);
}
