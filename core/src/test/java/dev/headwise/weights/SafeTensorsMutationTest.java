package dev.headwise.weights;

import static org.junit.jupiter.api.Assertions.fail;

import dev.headwise.HeadwiseException;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cheap, deterministic stand-in for fuzzing: random corruptions of the seed files must either open (and
 * then be fully readable) or fail with a HeadwiseException, never with any other exception.
 */
class SafeTensorsMutationTest {
    private static final int MUTANTS_PER_SEED = 400;

    @TempDir
    Path dir;

    @Test
    void corruptedSeedsFailOnlyWithHeadwiseException() throws IOException {
        Random random = new Random(2024);
        Path target = dir.resolve("mutant.safetensors");
        for (Path seed : SafeTensorsBytes.seedFiles()) {
            byte[] original = Files.readAllBytes(seed);
            for (int i = 0; i < MUTANTS_PER_SEED; i++) {
                byte[] mutant = mutate(original, random);
                Files.write(target, mutant);
                try (SafeTensorsFile file = SafeTensors.open(target)) {
                    file.tensors().values().forEach(t -> t.data().toArray(ValueLayout.JAVA_BYTE));
                } catch (HeadwiseException expected) {
                    // the reader's documented way to refuse a file
                } catch (RuntimeException | Error e) {
                    fail("Mutant of " + seed.getFileName() + " threw " + e + ": " + HexFormat.of().formatHex(mutant), e);
                }
            }
        }
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] bytes = original.clone();
        switch (random.nextInt(5)) {
            case 0 -> {
                return Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            }
            case 1 -> {
                return Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(16));
            }
            case 2 -> bytes[random.nextInt(8)] = (byte) random.nextInt(256);
            case 3 -> {
                // A character that matters to JSON, somewhere after the length field.
                String alphabet = "{}[],:\"-0123456789e.\\ ";
                bytes[8 + random.nextInt(bytes.length - 8)] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
            }
            default -> {
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
        }
        return bytes;
    }
}
