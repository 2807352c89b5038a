package dev.headwise.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Builds safetensors files byte by byte, independently of the writer under test. */
final class SafeTensorsBytes {
    private SafeTensorsBytes() {
    }

    /** A file with the given header length field, followed by {@code rest}. */
    static byte[] file(long headerLength, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(headerLength).put(rest).array();
    }

    /** A file whose header is {@code json} (exact length, no padding) followed by {@code data}. */
    static byte[] file(String json, byte[] data) {
        return file(json.getBytes(StandardCharsets.UTF_8), data);
    }

    static byte[] file(byte[] header, byte[] data) {
        return file(header.length, ByteBuffer.allocate(header.length + data.length).put(header).put(data).array());
    }

    static byte[] zeros(int n) {
        return new byte[n];
    }

    /** A tensor of random bytes (any bit pattern is a valid element for the reader). */
    static TensorData random(String name, DType dtype, long[] shape, Random random) {
        long numel = 1;
        for (long d : shape) {
            numel *= d;
        }
        byte[] bytes = new byte[Math.toIntExact(numel * dtype.size())];
        random.nextBytes(bytes);
        return new TensorData(name, dtype, shape, MemorySegment.ofArray(bytes));
    }

    /** The committed seed corpus under {@code weights/seeds}: {@code valid-*} and {@code invalid-*} files. */
    static List<Path> seedFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(SafeTensorsBytes.class.getResource("/weights/seeds").toURI()))) {
            return files.sorted().toList();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertSameTensor(TensorData expected, TensorData actual) {
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.dtype(), actual.dtype());
        assertArrayEquals(expected.shape(), actual.shape(), expected.name());
        assertArrayEquals(expected.data().toArray(ValueLayout.JAVA_BYTE), actual.data().toArray(ValueLayout.JAVA_BYTE),
                expected.name());
    }
}
