package dev.headwise.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwise.HeadwiseException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSplitTest {
    /** 80 rows of class 0, 20 of class 1, and one row of class 2. */
    private static LabeledDataset imbalanced() {
        List<String> texts = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            texts.add("text " + i);
            targets.add(new int[] {i == 100 ? 2 : i % 5 == 0 ? 1 : 0});
        }
        return LabeledDataset.of(LabelSpace.multiclass(List.of("0", "1", "2")), texts, targets);
    }

    private static long count(LabeledDataset data, int[] rows, int label) {
        return Arrays.stream(rows).filter(r -> data.classId(r) == label).count();
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        LabeledDataset data = imbalanced();
        DataSplit a = DataSplit.of(data, new SplitSpec(0.1, 0.1, 7, false));
        DataSplit b = DataSplit.of(data, new SplitSpec(0.1, 0.1, 7, false));
        DataSplit c = DataSplit.of(data, new SplitSpec(0.1, 0.1, 8, false));
        assertEquals(a, b);
        assertFalse(Arrays.equals(a.eval(), c.eval()));
        assertEquals(10, a.eval().length);
        assertEquals(10, a.test().length);
        assertEquals(81, a.train().length);
    }

    @Test
    void stratifiedSplitKeepsProportionsAndSingletonsInTrain() {
        LabeledDataset data = imbalanced();
        DataSplit split = DataSplit.of(data, new SplitSpec(0.2, 0.0, 1, true));
        assertEquals(16, count(data, split.eval(), 0));
        assertEquals(4, count(data, split.eval(), 1));
        assertEquals(1, count(data, split.train(), 2));
        assertEquals(0, split.test().length);
    }

    @Test
    void savedSplitLoadsBackIdentically(@TempDir Path dir) {
        DataSplit split = DataSplit.of(imbalanced(), new SplitSpec(0.1, 0.2, 3, true));
        Path file = dir.resolve("split.json");
        split.save(file);
        DataSplit loaded = DataSplit.load(file);
        assertEquals(split, loaded);
        assertArrayEquals(split.test(), loaded.test());
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> loaded.requireSize(50));
        assertTrue(e.getMessage().contains("is for 101 rows"), e.getMessage());
    }

    @Test
    void rejectsBadFractionsAndOverlappingRows(@TempDir Path dir) {
        assertThrows(HeadwiseException.class, () -> new SplitSpec(0.6, 0.5, 1, false));
        assertThrows(HeadwiseException.class, () -> new DataSplit(new SplitSpec(0.1, 0, 1, false), 3,
                new int[] {0, 1}, new int[] {1}, new int[0]));
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> DataSplit.load(dir.resolve("none.json")));
        assertTrue(e.getMessage().contains("does not exist"));
    }
}
