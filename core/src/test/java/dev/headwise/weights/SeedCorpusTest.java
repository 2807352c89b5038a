package dev.headwise.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwise.HeadwiseException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed seed files under {@code weights/seeds} (a starting corpus for fuzzing the reader) behave as
 * their names say: {@code valid-*} files open, {@code invalid-*} files fail with a HeadwiseException.
 */
class SeedCorpusTest {
    @Test
    void seedsBehaveAsNamed() throws Exception {
        List<Path> seeds = SafeTensorsBytes.seedFiles();
        assertTrue(seeds.size() >= 4, "seed corpus is missing: " + seeds);
        for (Path seed : seeds) {
            String name = seed.getFileName().toString();
            if (name.startsWith("valid-")) {
                try (SafeTensorsFile file = SafeTensors.open(seed)) {
                    assertTrue(file.tensors().size() >= 2, name);
                    file.tensors().values().forEach(t -> t.data().toArray(ValueLayout.JAVA_BYTE));
                }
            } else {
                assertTrue(name.startsWith("invalid-"), "seed names start with valid- or invalid-: " + name);
                var e = assertThrows(HeadwiseException.class, () -> SafeTensors.open(seed).close());
                assertTrue(e.getMessage().contains(name), e.getMessage());
            }
        }
    }

    @Test
    void mixedSeedHoldsTheValuesItWasBuiltWith() throws Exception {
        Path seed = Path.of(SeedCorpusTest.class.getResource("/weights/seeds/valid-mixed.safetensors").toURI());
        try (SafeTensorsFile file = SafeTensors.open(seed)) {
            assertEquals(List.of("bert.embeddings.weight", "step", "leer.ä", "mask"), List.copyOf(file.tensors().keySet()));
            assertArrayEquals(new float[] {1f, -2f, 0.5f, 3f}, file.tensors().get("bert.embeddings.weight").toFloatArray());
            assertArrayEquals(new long[] {0, 3}, file.tensors().get("leer.ä").shape());
            assertArrayEquals(new byte[] {1, 0, 1}, file.tensors().get("mask").data().toArray(ValueLayout.JAVA_BYTE));
        }
    }
}
