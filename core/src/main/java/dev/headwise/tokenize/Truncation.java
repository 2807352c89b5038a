package dev.headwise.tokenize;

import dev.headwise.HeadwiseException;

/**
 * How a text longer than the model's input is cut: it keeps its first tokens and, with {@code tailTokens > 0},
 * also its last ones ("head+tail", which Sun et al., <i>How to Fine-Tune BERT for Text Classification?</i>,
 * 2019, found best for long documents: the end of an email, for one, holds its signature, mailing-list
 * footer or unsubscribe line). The special tokens around the text ({@code [CLS]} and {@code [SEP]}, or XLNet's
 * closing {@code <sep> <cls>}) are always kept, as HF's truncation does.
 *
 * @param maxLength  tokens in all, special tokens included; at least 2
 * @param tailTokens how many of them come from the end of the text (not counting the closing special
 *                   tokens); 0 keeps only the beginning, HF's default
 */
public record Truncation(int maxLength, int tailTokens) {
    public Truncation {
        if (maxLength < 2) {
            throw new HeadwiseException("The maximum sequence length must be at least 2 (room for the special tokens) but is "
                    + maxLength + ".");
        }
        if (tailTokens < 0 || tailTokens > maxLength - 2) {
            throw new HeadwiseException("--tail-tokens must be between 0 and the maximum length minus 2 ("
                    + (maxLength - 2) + "), not " + tailTokens + ".");
        }
    }

    /** The first {@code maxLength} tokens (the last of them the closing special token). */
    public static Truncation head(int maxLength) {
        return new Truncation(maxLength, 0);
    }

    /** The same split between head and tail with room for {@code maxLength} tokens. */
    public Truncation withMaxLength(int maxLength) {
        return new Truncation(maxLength, tailTokens);
    }

    /** {@code full}, a text's encoding with {@code specials} around it, cut to at most {@link #maxLength()} tokens. */
    public Encoding apply(Encoding full, SpecialTokens specials) {
        if (full.length() <= maxLength) return full;
        // The head includes the opening special tokens, the tail the closing ones.
        int tail = Math.min(tailTokens + specials.trailing(), maxLength);
        return full.keep(maxLength - tail, tail);
    }
}
