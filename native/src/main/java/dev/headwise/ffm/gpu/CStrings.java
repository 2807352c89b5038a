package dev.headwise.ffm.gpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** NUL-terminated C strings in native memory, read without ever running past the known bounds. */
final class CStrings {
    /** Longest string read through a bare {@code const char*} (error names and messages are short). */
    static final long MAX_POINTED_TO = 4096;

    private CStrings() {}

    /** The string at the start of {@code buffer}: up to its first NUL, or all of it when there is none. */
    static String read(MemorySegment buffer) {
        long end = 0;
        while (end < buffer.byteSize() && buffer.get(ValueLayout.JAVA_BYTE, end) != 0) end++;
        return new String(buffer.asSlice(0, end).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** The string a C function returned as {@code const char*}; empty for NULL. */
    static String readPointer(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) return "";
        return read(pointer.reinterpret(MAX_POINTED_TO));
    }
}
