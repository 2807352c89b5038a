package dev.headwise.data;

import dev.headwise.testing.WhitespaceTokenizer;
import dev.headwise.tokenize.Padding;
import dev.headwise.tokenize.Truncation;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchingTest {
    private static String words(int n) {
        return String.join(" ", java.util.Collections.nCopies(n, "ab"));
    }

    private static LabeledDataset dataset(List<String> texts) {
        List<int[]> targets = IntStream.range(0, texts.size()).mapToObj(i -> new int[] {i % 2}).toList();
        return LabeledDataset.of(LabelSpace.binary(List.of("0", "1")), texts, targets);
    }

    @Test
    void corpusStoresIdsCompactlyAndTruncates() {
        TokenizedCorpus corpus = TokenizedCorpus.build(List.of("a bb", "ccc dddd eeeee"), new WhitespaceTokenizer(), Truncation.head(4));
        assertTrue(corpus.isCompact());
        assertFalse(corpus.hasTypeIds());
        assertArrayEquals(new int[] {1, 4, 5, 2}, corpus.ids(0));
        assertArrayEquals(new int[] {1, 6, 7, 2}, corpus.ids(1));
        assertEquals(8, corpus.totalTokens());

        TokenizedCorpus wide = TokenizedCorpus.build(List.of("a"), new WhitespaceTokenizer(100_000, false), Truncation.head(8));
        assertFalse(wide.isCompact());
        assertEquals(70_004, wide.id(0, 1));
    }

    @Test
    void collatorPadsToTheLongestRowOfTheBatch() {
        List<String> texts = List.of("a", "bb cc dd", "e f");
        TokenizedCorpus corpus = TokenizedCorpus.build(texts, new WhitespaceTokenizer(), Truncation.head(16));
        Batch batch = new BatchCollator(corpus, dataset(texts)).collate(new int[] {0, 1});
        assertEquals(5, batch.length());
        assertArrayEquals(new long[] {1, 4, 2, 0, 0, 1, 5, 5, 5, 2}, batch.inputIds());
        assertArrayEquals(new long[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, batch.attentionMask());
        assertNull(batch.tokenTypeIds());
        assertArrayEquals(new int[] {0, 1}, batch.classIds()[0]);
        assertEquals(8 / 10.0, batch.paddingEfficiency(), 1e-12);
    }

    @Test
    void collatorKeepsNonZeroTypeIdsAndMultiHotTargets() {
        List<String> texts = List.of("q || a", "x");
        TokenizedCorpus corpus = TokenizedCorpus.build(texts, new WhitespaceTokenizer(100, true), Truncation.head(16));
        LabeledDataset data = LabeledDataset.of(LabelSpace.multiLabel(List.of("p", "q", "r")), texts,
                List.of(new int[] {0, 2}, new int[0]));
        Batch batch = new BatchCollator(corpus, data).collate(new int[] {1, 0});
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 1, 1, 1}, batch.tokenTypeIds());
        assertArrayEquals(new float[] {0, 0, 0, 1, 0, 1}, batch.multiHot());
        assertNull(batch.classIds());
    }

    /** XLNet's padding: on the left, with its own token type where the texts have types, and none where they have not. */
    @Test
    void collatorPadsOnTheLeftWithThePaddingTokenType() {
        List<String> texts = List.of("q || a", "x");
        var left = new Padding(7, 3, Padding.Side.LEFT);
        TokenizedCorpus typed = TokenizedCorpus.build(texts, new WhitespaceTokenizer(100, true), Truncation.head(16));
        Batch batch = new BatchCollator(typed, dataset(texts), left).collate(new int[] {1, 0});
        assertArrayEquals(new long[] {7, 7, 1, 4, 2, 1, 4, 5, 4, 2}, batch.inputIds());
        assertArrayEquals(new long[] {0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, batch.attentionMask());
        assertArrayEquals(new long[] {3, 3, 0, 0, 0, 0, 0, 1, 1, 1}, batch.tokenTypeIds());
        TokenizedCorpus untyped = TokenizedCorpus.build(texts, new WhitespaceTokenizer(), Truncation.head(16));
        assertNull(new BatchCollator(untyped, dataset(texts), left).collate(new int[] {1, 0}).tokenTypeIds());
    }

    @Test
    void epochOrderIsRecomputableAndDiffersBetweenEpochs() {
        int[] rows = IntStream.range(0, 37).toArray();
        BatchSampler sampler = new BatchSampler(8, 42, LengthGrouping.NONE);
        BatchPlan epoch3 = sampler.epoch(3, rows, r -> 1);
        BatchPlan again = new BatchSampler(8, 42, LengthGrouping.NONE).epoch(3, rows, r -> 1);
        BatchPlan epoch4 = sampler.epoch(4, rows, r -> 1);
        assertEquals(5, epoch3.batchCount());
        assertEquals(5, epoch3.batch(4).length);
        for (int b = 0; b < epoch3.batchCount(); b++) {
            assertArrayEquals(epoch3.batch(b), again.batch(b));
        }
        assertNotEquals(Arrays.toString(epoch3.batch(0)), Arrays.toString(epoch4.batch(0)));
        int[] all = IntStream.range(0, 5).flatMap(b -> Arrays.stream(epoch3.batch(b))).sorted().toArray();
        assertArrayEquals(rows, all);
    }

    @Test
    void lengthGroupingPadsLessAndPutsTheLongestBatchFirst() {
        List<String> texts = new ArrayList<>();
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int i = 0; i < 400; i++) {
            texts.add(words(1 + random.nextInt(60)));
        }
        TokenizedCorpus corpus = TokenizedCorpus.build(texts, new WhitespaceTokenizer(), Truncation.head(64));
        int[] rows = IntStream.range(0, texts.size()).toArray();
        BatchPlan plain = new BatchSampler(8, 1, LengthGrouping.NONE).epoch(0, rows, corpus::length);
        BatchPlan grouped = new BatchSampler(8, 1, LengthGrouping.LONGEST_FIRST, 10).epoch(0, rows, corpus::length);
        assertTrue(grouped.paddingEfficiency(corpus::length) > 0.9, "grouped " + grouped.paddingEfficiency(corpus::length));
        assertTrue(plain.paddingEfficiency(corpus::length) < 0.75, "plain " + plain.paddingEfficiency(corpus::length));
        int longest = IntStream.range(0, corpus.size()).map(corpus::length).max().orElseThrow();
        assertEquals(longest, Arrays.stream(grouped.batch(0)).map(corpus::length).max().orElseThrow());

        BatchPlan shuffled = new BatchSampler(8, 1, LengthGrouping.SHUFFLED, 10).epoch(0, rows, corpus::length);
        assertEquals(grouped.paddingEfficiency(corpus::length), shuffled.paddingEfficiency(corpus::length), 1e-12);
    }

    @Test
    void sequentialPlanKeepsOrder() {
        BatchPlan plan = BatchPlan.sequential(new int[] {5, 6, 7}, 2);
        assertArrayEquals(new int[] {5, 6}, plan.batch(0));
        assertArrayEquals(new int[] {7}, plan.batch(1));
    }
}
