package dev.headwise.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Generated English-like texts for the tokenizer and batching benchmarks: common words, punctuation, some numbers. */
final class SampleTexts {
    private static final String[] WORDS = ("the of and to in is was for on that with as by at from this be are have "
            + "invoice meeting please attached Thursday quarterly figures offer free click prize account password "
            + "unsubscribe délivré naïve café São Paulo https://example.org/a?b=1 mail@example.com 3.14 $1,000 #4411")
            .split(" ");

    private SampleTexts() {}

    /** {@code count} texts of 1 to {@code maxWords} words, reproducible. */
    static List<String> generate(int count, int maxWords, long seed) {
        var rnd = new SplittableRandom(seed);
        var texts = new ArrayList<String>(count);
        for (int i = 0; i < count; i++) {
            int n = 1 + rnd.nextInt(maxWords);
            var sb = new StringBuilder();
            for (int w = 0; w < n; w++) {
                if (w > 0) sb.append(rnd.nextInt(12) == 0 ? ". " : " ");
                sb.append(WORDS[rnd.nextInt(WORDS.length)]);
            }
            texts.add(sb.toString());
        }
        return texts;
    }
}
