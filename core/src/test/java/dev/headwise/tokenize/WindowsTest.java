package dev.headwise.tokenize;

import dev.headwise.HeadwiseException;
import dev.headwise.testing.WhitespaceTokenizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowsTest {
    private static final TextTokenizer TOK = new WhitespaceTokenizer(1000, false);

    /** Words of distinct lengths, so every token id says which word it is. */
    private static String text(int words) {
        return IntStream.range(0, words).mapToObj(i -> "x".repeat(i + 1)).collect(Collectors.joining(" "));
    }

    /** XLNet's layout, {@code text <sep> <cls>}: every window ends with both, and the texts' windows cover it. */
    @Test
    void windowsOfATextWithTwoClosingSpecialTokens() {
        int[] ids = IntStream.rangeClosed(1, 12).toArray();
        ids[10] = 400;
        ids[11] = 300;
        List<Encoding> ws = new Windows(1, Windows.Pooling.MEAN, Integer.MAX_VALUE)
                .split(new Encoding(ids, new int[12]), 6, new SpecialTokens(0, 2));
        assertEquals(List.of("[1, 2, 3, 4, 400, 300]", "[4, 5, 6, 7, 400, 300]", "[7, 8, 9, 10, 400, 300]"),
                ws.stream().map(w -> Arrays.toString(w.ids())).toList());
    }

    @Test
    void windowsCoverTheTextSharingTheOverlapWithSpecialTokensInEach() {
        for (int words : new int[]{1, 13, 14, 15, 40, 97}) {
            for (int overlap : new int[]{0, 3, 11}) {
                List<Encoding> ws = TOK.encodeWindows(text(words), 16, new Windows(overlap, Windows.Pooling.MEAN, Integer.MAX_VALUE));
                int[] full = TOK.encode(text(words), Truncation.head(Integer.MAX_VALUE)).ids();
                int[] content = Arrays.copyOfRange(full, 1, full.length - 1);
                int pos = 0;
                for (int w = 0; w < ws.size(); w++) {
                    int[] ids = ws.get(w).ids();
                    assertTrue(ids.length <= 16);
                    assertEquals(1, ids[0]);
                    assertEquals(2, ids[ids.length - 1]);
                    if (w < ws.size() - 1) assertEquals(16, ids.length, "only the last window may be shorter");
                    assertArrayEquals(Arrays.copyOfRange(content, pos, pos + ids.length - 2), Arrays.copyOfRange(ids, 1, ids.length - 1));
                    pos += ids.length - 2 - overlap;
                }
                assertEquals(content.length, pos + overlap, "the windows end where the text ends (" + words + " words)");
                if (words <= 14) assertEquals(1, ws.size());
            }
        }
    }

    @Test
    void maxWindowsKeepsTheFirstOnes() {
        var all = TOK.encodeWindows(text(97), 16, new Windows(4, Windows.Pooling.MAX, Integer.MAX_VALUE));
        var first = TOK.encodeWindows(text(97), 16, new Windows(4, Windows.Pooling.MAX, 3));
        assertEquals(all.subList(0, 3), first);
    }

    @Test
    void badSettingsFailWithOneClearError() {
        assertThrows(HeadwiseException.class, () -> new Windows(-1, Windows.Pooling.MEAN, 1));
        assertThrows(HeadwiseException.class, () -> new Windows(0, Windows.Pooling.MEAN, 0));
        assertThrows(HeadwiseException.class, () -> Windows.Pooling.parse("median"));
        var e = assertThrows(HeadwiseException.class, () -> new Windows(14, Windows.Pooling.MEAN, 2).check(16));
        assertTrue(e.getMessage().contains("--window-overlap"), e.getMessage());
    }
}
