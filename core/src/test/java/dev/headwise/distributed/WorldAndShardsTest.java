package dev.headwise.distributed;

import dev.headwise.HeadwiseException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorldAndShardsTest {
    @Test
    void sharesOfABatchAreDisjointCoverItAndDifferByAtMostOne() {
        for (int n = 0; n <= 13; n++) {
            int[] batch = IntStream.range(100, 100 + n).toArray();
            for (int size = 1; size <= 5; size++) {
                int[] seen = new int[n];
                int min = Integer.MAX_VALUE, max = 0;
                for (int rank = 0; rank < size; rank++) {
                    int[] mine = Shards.of(batch, rank, size);
                    min = Math.min(min, mine.length);
                    max = Math.max(max, mine.length);
                    for (int row : mine) seen[row - 100]++;
                }
                int[] once = new int[n];
                Arrays.fill(once, 1);
                assertArrayEquals(once, seen, n + " rows over " + size + " ranks");
                assertTrue(max - min <= 1);
            }
        }
        // Longest first (length grouping): each rank gets rows from the whole range of lengths.
        assertArrayEquals(new int[] {0, 2, 4, 6}, Shards.of(IntStream.range(0, 8).toArray(), 0, 2));
        assertArrayEquals(new int[] {1, 3, 5, 7}, Shards.of(IntStream.range(0, 8).toArray(), 1, 2));
    }

    @Test
    void evaluationRangesAreContiguousAndCoverEveryBatch() {
        for (int count = 0; count <= 9; count++) {
            for (int size = 1; size <= 4; size++) {
                int next = 0;
                for (int rank = 0; rank < size; rank++) {
                    int[] r = Shards.range(count, rank, size);
                    assertEquals(next, r[0]);
                    assertTrue(r[1] - r[0] >= count / size && r[1] - r[0] <= count / size + 1);
                    next = r[1];
                }
                assertEquals(count, next);
            }
        }
    }

    @Test
    void torchrunsEnvironmentDescribesTheWorld() {
        World w = World.fromEnvironment(Map.of("RANK", "5", "WORLD_SIZE", "16", "LOCAL_RANK", "1",
                "LOCAL_WORLD_SIZE", "4", "MASTER_ADDR", "node0", "MASTER_PORT", "29500"));
        assertEquals(new World(5, 16, 1, 4, "node0", 29500), w);
        assertEquals(w, World.fromEnvironment(w.environment()));
        assertTrue(World.inEnvironment(w.environment()));
        assertFalse(World.inEnvironment(Map.of()));
        assertFalse(World.single().distributed());
    }

    @Test
    void aBadWorldIsOneClearError() {
        assertTrue(assertThrows(HeadwiseException.class, () -> World.fromEnvironment(Map.of("WORLD_SIZE", "2",
                "RANK", "0", "MASTER_PORT", "1"))).getMessage().contains("MASTER_ADDR"));
        assertTrue(assertThrows(HeadwiseException.class, () -> World.fromEnvironment(Map.of("WORLD_SIZE", "2")))
                .getMessage().contains("RANK"));
        assertTrue(assertThrows(HeadwiseException.class, () -> World.fromEnvironment(Map.of("WORLD_SIZE", "2",
                "RANK", "2", "MASTER_ADDR", "h", "MASTER_PORT", "1"))).getMessage().contains("rank must be in [0, 2)"));
        assertTrue(assertThrows(HeadwiseException.class, () -> World.fromEnvironment(Map.of("WORLD_SIZE", "two",
                "RANK", "0"))).getMessage().contains("WORLD_SIZE must be an integer"));
    }
}
