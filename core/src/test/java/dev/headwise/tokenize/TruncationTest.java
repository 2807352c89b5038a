package dev.headwise.tokenize;

import dev.headwise.HeadwiseException;
import dev.headwise.testing.WhitespaceTokenizer;
import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TruncationTest {
    /** [CLS]=100, tokens 1..n, [SEP]=200, type ids equal to the position. */
    private static Encoding text(int n) {
        int[] ids = IntStream.rangeClosed(0, n + 1).map(i -> i == 0 ? 100 : i == n + 1 ? 200 : i).toArray();
        return new Encoding(ids, IntStream.range(0, n + 2).toArray());
    }

    @Test
    void headKeepsTheBeginningAndTheClosingToken() {
        Encoding cut = Truncation.head(5).apply(text(10), SpecialTokens.BERT);
        assertArrayEquals(new int[]{100, 1, 2, 3, 200}, cut.ids());
        assertArrayEquals(new int[]{0, 1, 2, 3, 11}, cut.typeIds());
    }

    @Test
    void headAndTailKeepBothEnds() {
        Encoding cut = new Truncation(8, 3).apply(text(20), SpecialTokens.BERT);
        assertArrayEquals(new int[]{100, 1, 2, 3, 18, 19, 20, 200}, cut.ids());
        assertArrayEquals(new int[]{0, 1, 2, 3, 18, 19, 20, 21}, cut.typeIds());
    }

    @Test
    void allTailKeepsOnlyTheOpeningTokenOfTheHead() {
        assertArrayEquals(new int[]{100, 8, 9, 10, 200}, new Truncation(5, 3).apply(text(10), SpecialTokens.BERT).ids());
    }

    @Test
    void textsThatFitAreLeftAlone() {
        Encoding fits = text(6);
        assertSame(fits, new Truncation(8, 3).apply(fits, SpecialTokens.BERT));
        assertSame(fits, Truncation.head(8).apply(fits, SpecialTokens.BERT));
    }

    @Test
    void cuttingToOneTokenMoreFirstChangesNothing() {
        // Classifier encodes to maxLength + 1 to tell cut texts from those that fit exactly, then cuts again.
        for (int tail = 0; tail <= 6; tail++) {
            var t = new Truncation(8, tail);
            for (int n = 0; n < 20; n++) {
                assertEquals(t.apply(text(n), SpecialTokens.BERT), t.apply(t.withMaxLength(9).apply(text(n), SpecialTokens.BERT), SpecialTokens.BERT), "tail " + tail + ", n " + n);
            }
        }
    }

    @Test
    void tokenizersApplyIt() {
        var tok = new WhitespaceTokenizer();
        Encoding cut = tok.encode("a bb ccc dddd eeeee ffffff", new Truncation(5, 2));
        assertArrayEquals(new int[]{1, 4, 8, 9, 2}, cut.ids());     // [CLS] a ... eeeee ffffff [SEP]
        assertArrayEquals(new int[]{1, 4, 5, 6, 2}, tok.encode("a bb ccc dddd eeeee ffffff", 5).ids());
    }

    /** XLNet's text ends in {@code <sep> <cls>}: cutting keeps both, with the head and the tail before them. */
    @Test
    void twoClosingSpecialTokensAreBothKept() {
        var xlnet = new SpecialTokens(0, 2);
        int[] ids = IntStream.rangeClosed(1, 12).toArray();
        ids[10] = 400; // <sep>
        ids[11] = 300; // <cls>
        Encoding full = new Encoding(ids, new int[12]);
        assertArrayEquals(new int[]{1, 2, 3, 400, 300}, Truncation.head(5).apply(full, xlnet).ids());
        assertArrayEquals(new int[]{1, 2, 9, 10, 400, 300}, new Truncation(6, 2).apply(full, xlnet).ids());
        assertArrayEquals(new int[]{7, 8, 9, 10, 400, 300}, new Truncation(6, 4).apply(full, xlnet).ids());
    }

    @Test
    void rejectsImpossibleSettings() {
        assertTrue(assertThrows(HeadwiseException.class, () -> Truncation.head(1)).getMessage().contains("at least 2"));
        assertTrue(assertThrows(HeadwiseException.class, () -> new Truncation(8, 7)).getMessage().contains("--tail-tokens"));
        assertThrows(HeadwiseException.class, () -> new Truncation(8, -1));
    }
}
