package dev.headwise.tokenize;

import java.util.Objects;

/**
 * How encodings of different lengths become one (B, T) batch: the ids and token types that fill the gaps, and
 * on which side of each text they go.
 *
 * @param id     the pad token's id
 * @param typeId the token type of padding (XLNet's tokenizer uses 3, a segment no text token has)
 * @param side   where the padding goes
 */
public record Padding(int id, int typeId, Side side) {
    public enum Side { RIGHT, LEFT }

    public Padding {
        Objects.requireNonNull(side, "side");
    }

    /** Padding with {@code id} after each text, token type 0: BERT's and RoBERTa's. */
    public static Padding right(int id) {
        return new Padding(id, 0, Side.RIGHT);
    }

    /** The column of a text of {@code length} tokens' first token in a batch {@code width} wide. */
    public int start(int length, int width) {
        return side == Side.LEFT ? width - length : 0;
    }
}
