package dev.headwise.testing;

import dev.headwise.data.LabelSpace;
import dev.headwise.data.LabeledDataset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small learnable datasets: each class has its own word lengths, which {@link WhitespaceTokenizer} turns
 * into its own token ids, so a tiny model can learn them in a few steps.
 */
public final class GeneratedData {
    private GeneratedData() {}

    private static final List<List<String>> PATHS = List.of(List.of("a", "x"), List.of("a", "y"), List.of("b", "z"));

    /** {@code n} texts with two-level labels a.x, a.y, b.z. */
    public static LabeledDataset hierarchical(int n, long seed) {
        var space = LabelSpace.hierarchical(List.of("level1", "level2"), PATHS);
        var rnd = new SplittableRandom(seed);
        var texts = new ArrayList<String>();
        var targets = new ArrayList<int[]>();
        for (int i = 0; i < n; i++) {
            int c = i % PATHS.size();
            texts.add(text(rnd, 1 + 3 * c));
            targets.add(space.encode(PATHS.get(c)));
        }
        return LabeledDataset.of(space, texts, targets);
    }

    /** 3 to 12 words whose lengths lie in [minLength, minLength + 2]. */
    public static String text(SplittableRandom rnd, int minLength) {
        var sb = new StringBuilder();
        int words = 3 + rnd.nextInt(10);
        for (int w = 0; w < words; w++) {
            if (w > 0) sb.append(' ');
            sb.append("w".repeat(minLength + rnd.nextInt(3)));
        }
        return sb.toString();
    }
}
