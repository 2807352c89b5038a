package dev.headwise.ffm.gpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CStringsTest {
    @Test
    void readsUpToTheFirstNulOfAFixedBuffer() {
        try (var arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(96);
            buf.fill((byte) 'x'); // garbage after the terminator, as NVML leaves it
            byte[] name = "NVIDIA H100 80GB HBM3".getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(name, 0, buf, ValueLayout.JAVA_BYTE, 0, name.length);
            buf.set(ValueLayout.JAVA_BYTE, name.length, (byte) 0);

            assertEquals("NVIDIA H100 80GB HBM3", CStrings.read(buf));
        }
    }

    @Test
    void anUnterminatedBufferIsReadToItsEndAndNoFurther() {
        try (var arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8);
            buf.fill((byte) 'a');
            assertEquals("aaaaaaaa", CStrings.read(buf));
            assertEquals("aaa", CStrings.read(buf.asSlice(0, 3)));
        }
    }

    @Test
    void decodesUtf8AndEmptyStrings() {
        try (var arena = Arena.ofConfined()) {
            assertEquals("Gerät µ", CStrings.read(arena.allocateFrom("Gerät µ")));
            assertEquals("", CStrings.read(arena.allocate(4)));
            assertEquals("", CStrings.read(MemorySegment.NULL));
        }
    }

    @Test
    void followsAReturnedCharPointerOfUnknownLength() {
        try (var arena = Arena.ofConfined()) {
            // what a downcall returning const char* hands back: an address with no size
            MemorySegment returned = MemorySegment.ofAddress(arena.allocateFrom("cudaErrorNoDevice").address());
            assertEquals(0, returned.byteSize());

            assertEquals("cudaErrorNoDevice", CStrings.readPointer(returned));
            assertEquals("", CStrings.readPointer(MemorySegment.NULL));
        }
    }
}
