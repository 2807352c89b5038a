package dev.headwise.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

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

    static void assertSameTensor(TensorData expected, TensorData actual) {
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.dtype(), actual.dtype());
        assertArrayEquals(expected.shape(), actual.shape(), expected.name());
        assertArrayEquals(expected.data().toArray(ValueLayout.JAVA_BYTE), actual.data().toArray(ValueLayout.JAVA_BYTE),
                expected.name());
    }
}
