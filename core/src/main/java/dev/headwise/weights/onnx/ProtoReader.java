package dev.headwise.weights.onnx;

import dev.headwise.HeadwiseException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the protobuf wire format from a byte array without copying it. The input is untrusted: every
 * length is checked against the bytes that remain before anything is sliced or allocated, nesting is
 * limited, and every failure is a {@link HeadwiseException} naming the source.
 *
 * <p>Usage: {@code while (r.nextField()) switch (r.field()) { case 1 -> ...; default -> r.skip(); }}.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int I32 = 5;

    /** ONNX messages we parse nest five deep (model, graph, node, attribute, tensor); leave headroom. */
    static final int MAX_DEPTH = 16;

    private final byte[] buf;
    private final int limit;
    private final int depth;
    private final String source;
    private int pos;
    private int field;
    private int wireType;

    ProtoReader(byte[] buf, String source) {
        this(buf, 0, buf.length, 0, source);
    }

    private ProtoReader(byte[] buf, int start, int limit, int depth, String source) {
        this.buf = buf;
        this.pos = start;
        this.limit = limit;
        this.depth = depth;
        this.source = source;
    }

    String source() {
        return source;
    }

    /** Advances to the next field; false at the end of this message. */
    boolean nextField() {
        if (pos >= limit) {
            return false;
        }
        long key = rawVarint();
        if (key >>> 3 == 0 || key >>> 3 > 0x1FFF_FFFFL) {
            throw malformed("field number " + (key >>> 3) + " is out of range");
        }
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (wireType != VARINT && wireType != I64 && wireType != LEN && wireType != I32) {
            throw malformed("field " + field + " uses the unsupported wire type " + wireType);
        }
        return true;
    }

    int field() {
        return field;
    }

    long varint() {
        expect(VARINT);
        return rawVarint();
    }

    /** A varint that must fit a non-negative int (enums, counts, protobuf int32 fields). */
    int intValue() {
        long v = varint();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw malformed("field " + field + " holds " + v + ", which is not a valid int32 here");
        }
        return (int) v;
    }

    float fixed32Float() {
        expect(I32);
        return Float.intBitsToFloat(rawFixed32());
    }

    String string() {
        int len = length();
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** A little-endian, read-only view of a bytes field; no copy. */
    ByteBuffer bytes() {
        int len = length();
        ByteBuffer slice = ByteBuffer.wrap(buf, pos, len).slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        pos += len;
        return slice;
    }

    ProtoReader message() {
        int len = length();
        if (depth + 1 > MAX_DEPTH) {
            throw malformed("messages are nested more than " + MAX_DEPTH + " levels deep");
        }
        ProtoReader child = new ProtoReader(buf, pos, pos + len, depth + 1, source);
        pos += len;
        return child;
    }

    /** Appends one element of a repeated varint field, packed or not. */
    void repeatedVarint(LongList out) {
        if (wireType == LEN) {
            ProtoReader packed = packed();
            while (packed.pos < packed.limit) {
                out.add(packed.rawVarint());
            }
        } else {
            out.add(varint());
        }
    }

    /** Appends the raw 32-bit patterns of a repeated fixed32/float field, packed or not. */
    void repeatedFixed32(LongList out) {
        if (wireType == LEN) {
            ProtoReader packed = packed();
            if ((packed.limit - packed.pos) % 4 != 0) {
                throw malformed("packed 32-bit field " + field + " has a length that is not a multiple of 4");
            }
            while (packed.pos < packed.limit) {
                out.add(packed.rawFixed32() & 0xFFFF_FFFFL);
            }
        } else {
            expect(I32);
            out.add(rawFixed32() & 0xFFFF_FFFFL);
        }
    }

    /** Appends the raw 64-bit patterns of a repeated fixed64/double field, packed or not. */
    void repeatedFixed64(LongList out) {
        if (wireType == LEN) {
            ProtoReader packed = packed();
            if ((packed.limit - packed.pos) % 8 != 0) {
                throw malformed("packed 64-bit field " + field + " has a length that is not a multiple of 8");
            }
            while (packed.pos < packed.limit) {
                out.add(packed.rawFixed64());
            }
        } else {
            expect(I64);
            out.add(rawFixed64());
        }
    }

    /** Skips the current field, whatever its wire type. */
    void skip() {
        switch (wireType) {
            case VARINT -> rawVarint();
            case I64 -> advance(8);
            case I32 -> advance(4);
            default -> {
                int len = length(); // before the +=, which would read pos first
                pos += len;
            }
        }
    }

    HeadwiseException malformed(String what) {
        return new HeadwiseException("The ONNX file " + source + " is malformed: " + what + " (at byte " + pos + ").");
    }

    private ProtoReader packed() {
        int len = length();
        ProtoReader packed = new ProtoReader(buf, pos, pos + len, depth, source);
        pos += len;
        return packed;
    }

    private void expect(int expected) {
        if (wireType != expected) {
            throw malformed("field " + field + " has wire type " + wireType + " where " + expected + " was expected");
        }
    }

    private int length() {
        expect(LEN);
        long len = rawVarint();
        if (len < 0 || len > limit - pos) {
            throw malformed("field " + field + " claims " + len + " bytes but only " + (limit - pos) + " remain");
        }
        return (int) len;
    }

    private void need(int n) {
        if (limit - pos < n) {
            throw malformed("field " + field + " needs " + n + " bytes but only " + (limit - pos) + " remain");
        }
    }

    private void advance(int n) {
        need(n);
        pos += n;
    }

    private long rawVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw malformed("a varint is cut off by the end of its message");
            }
            byte b = buf[pos++];
            if (shift == 63 && (b & 0xFE) != 0) {
                throw malformed("a varint is longer than 64 bits");
            }
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("a varint is longer than 10 bytes");
    }

    private int rawFixed32() {
        need(4);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    private long rawFixed64() {
        long lo = rawFixed32() & 0xFFFF_FFFFL;
        long hi = rawFixed32() & 0xFFFF_FFFFL;
        return lo | hi << 32;
    }

    /** A growable long array: repeated numeric fields arrive one element at a time. */
    static final class LongList {
        private long[] values = new long[8];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int size() {
            return size;
        }

        long get(int i) {
            return values[i];
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
