package dev.headwise.weights;

import static dev.headwise.weights.SafeTensorsBytes.assertSameTensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwise.HeadwiseException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void everyDtypeScalarEmptyAndNonAsciiNamesRoundTripBitExact() throws IOException {
        Random random = new Random(42);
        List<TensorData> tensors = new ArrayList<>();
        for (DType dtype : DType.values()) {
            tensors.add(SafeTensorsBytes.random("w." + dtype, dtype, new long[] {2, 3}, random));
            tensors.add(SafeTensorsBytes.random("scalar." + dtype, dtype, new long[] {}, random));
            tensors.add(SafeTensorsBytes.random("empty." + dtype, dtype, new long[] {4, 0}, random));
        }
        tensors.add(SafeTensorsBytes.random("gewicht.ä.日本.🙂", DType.F32, new long[] {3}, random));
        Map<String, String> metadata = Map.of("format", "pt", "note", "größe");
        Path file = dir.resolve("all.safetensors");

        SafeTensors.write(file, tensors, metadata);

        try (SafeTensorsFile read = SafeTensors.open(file)) {
            assertEquals(metadata, read.metadata());
            assertEquals(tensors.stream().map(TensorData::name).toList(), List.copyOf(read.tensors().keySet()));
            for (TensorData t : tensors) {
                assertSameTensor(t, read.tensors().get(t.name()));
            }
            assertTrue(read.tensors().get("w.F32").data().isReadOnly(), "mapped data must be read-only");
            // Writing what was read reproduces the file byte for byte.
            Path copy = dir.resolve("copy.safetensors");
            SafeTensors.write(copy, List.copyOf(read.tensors().values()), read.metadata());
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy));
        }
    }

    @Test
    void writesTheHuggingFaceLayoutByteForByte() throws IOException {
        // What the reference implementation writes for {b: I64 scalar 7, a: F32 [2] = [1, -2.5]}: compact JSON,
        // __metadata__ first, keys dtype/shape/data_offsets, spaces up to a multiple of 8, LE data.
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"b\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        String padded = json + " ".repeat((8 - json.length() % 8) % 8);
        byte[] data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(7).putFloat(1f).putFloat(-2.5f).array();
        byte[] expected = SafeTensorsBytes.file(padded, data);
        Path handMade = dir.resolve("hand.safetensors");
        Files.write(handMade, expected);

        try (SafeTensorsFile read = SafeTensors.open(handMade)) {
            assertArrayEquals(new float[] {1f, -2.5f}, read.tensors().get("a").toFloatArray());
            assertEquals(7L, read.tensors().get("b").data().get(
                    ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0));
            assertEquals(Map.of("format", "pt"), read.metadata());
        }

        Path written = dir.resolve("written.safetensors");
        TensorData b = new TensorData("b", DType.I64, new long[] {}, MemorySegment.ofArray(
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(7).array()));
        SafeTensors.write(written, List.of(b, TensorData.ofFloats("a", new long[] {2}, new float[] {1f, -2.5f})),
                Map.of("format", "pt"));
        assertArrayEquals(expected, Files.readAllBytes(written));
        assertEquals(0, (expected.length - 8 - data.length) % 8, "header padded to a multiple of 8");
    }

    @Test
    void noMetadataMeansNoMetadataEntry() throws IOException {
        Path file = dir.resolve("plain.safetensors");
        SafeTensors.write(file, List.of(TensorData.ofFloats("x", new long[] {1}, new float[] {3f})), null);
        String header = new String(Files.readAllBytes(file), 8, 60, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"x\":{"), header);
        try (SafeTensorsFile read = SafeTensors.open(file)) {
            assertTrue(read.metadata().isEmpty());
        }
    }

    @Test
    void rewritingAFileFromItsOwnMappingIsSafe() throws IOException {
        Path file = dir.resolve("self.safetensors");
        TensorData original = TensorData.ofFloats("x", new long[] {3}, new float[] {1f, 2f, 3f});
        SafeTensors.write(file, List.of(original), Map.of());
        try (SafeTensorsFile read = SafeTensors.open(file)) {
            // The rename replaces the directory entry; the open mapping keeps the old bytes alive.
            TensorData y = TensorData.ofFloats("y", new long[] {}, new float[] {4f});
            SafeTensors.write(file, List.of(read.tensors().get("x"), y), Map.of("format", "pt"));
            assertArrayEquals(new float[] {1f, 2f, 3f}, read.tensors().get("x").toFloatArray());
        }
        try (SafeTensorsFile reread = SafeTensors.open(file)) {
            assertArrayEquals(new float[] {1f, 2f, 3f}, reread.tensors().get("x").toFloatArray());
            assertArrayEquals(new float[] {4f}, reread.tensors().get("y").toFloatArray());
        }
    }

    @Test
    void closingUnmapsTheData() {
        Path file = dir.resolve("c.safetensors");
        SafeTensors.write(file, List.of(TensorData.ofFloats("x", new long[] {2}, new float[] {1f, 2f})), Map.of());
        SafeTensorsFile read = SafeTensors.open(file);
        TensorData x = read.tensors().get("x");
        read.close();
        read.close();
        assertThrows(IllegalStateException.class, x::toFloatArray);
    }

    @Test
    void failedWriteLeavesTheExistingFileAndNoTempFiles() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, List.of(TensorData.ofFloats("x", new long[] {1}, new float[] {1f})), Map.of());
        byte[] before = Files.readAllBytes(file);
        TensorData y = TensorData.ofFloats("y", new long[] {1}, new float[] {2f});

        var duplicate = assertThrows(HeadwiseException.class, () -> SafeTensors.write(file, List.of(y, y), Map.of()));
        assertTrue(duplicate.getMessage().contains("'y'") && duplicate.getMessage().contains(file.toString()),
                duplicate.getMessage());

        // Fails halfway through writing the data section: the second tensor's memory is already freed.
        Arena arena = Arena.ofConfined();
        TensorData freed = new TensorData("z", DType.F32, new long[] {1}, arena.allocate(4));
        arena.close();
        var midWrite = assertThrows(HeadwiseException.class,
                () -> SafeTensors.write(file, List.of(y, freed), Map.of()));
        assertTrue(midWrite.getMessage().contains(file.toString()), midWrite.getMessage());

        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void refusesTheReservedMetadataName() {
        TensorData t = TensorData.ofFloats("__metadata__", new long[] {1}, new float[] {1f});
        var e = assertThrows(HeadwiseException.class,
                () -> SafeTensors.write(dir.resolve("m.safetensors"), List.of(t), Map.of()));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
    }
}
