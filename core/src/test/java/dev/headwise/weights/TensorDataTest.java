package dev.headwise.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwise.HeadwiseException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class TensorDataTest {
    @Test
    void floatsRoundTripAndShapeIsDefensivelyCopied() {
        long[] shape = {2, 2};
        TensorData t = TensorData.ofFloats("w", shape, new float[] {1f, -0f, Float.NaN, 3.5f});
        shape[0] = 99;
        t.shape()[1] = 99;
        assertArrayEquals(new long[] {2, 2}, t.shape());
        assertEquals(4, t.numel());
        assertArrayEquals(new float[] {1f, -0f, Float.NaN, 3.5f}, t.toFloatArray());
        // Little-endian on disk: 1.0f is 00 00 80 3F.
        assertEquals((byte) 0x3F, t.data().getAtIndex(ValueLayout.JAVA_BYTE, 3));
    }

    @Test
    void scalarsHaveOneElementAndZeroDimsNone() {
        assertEquals(1, new TensorData("s", DType.I8, new long[] {}, MemorySegment.ofArray(new byte[1])).numel());
        assertEquals(0, new TensorData("e", DType.F64, new long[] {3, 0}, MemorySegment.ofArray(new byte[0])).numel());
    }

    @Test
    void rejectsDataOfTheWrongSizeNegativeDimsAndOverflow() {
        var size = assertThrows(HeadwiseException.class,
                () -> new TensorData("w", DType.F16, new long[] {3}, MemorySegment.ofArray(new byte[4])));
        assertTrue(size.getMessage().contains("'w'") && size.getMessage().contains("6 bytes"), size.getMessage());
        var negative = assertThrows(HeadwiseException.class,
                () -> new TensorData("n", DType.U8, new long[] {-1}, MemorySegment.ofArray(new byte[0])));
        assertTrue(negative.getMessage().contains("negative"), negative.getMessage());
        var overflow = assertThrows(HeadwiseException.class,
                () -> new TensorData("o", DType.F64, new long[] {1L << 40, 1L << 40}, MemorySegment.ofArray(new byte[0])));
        assertTrue(overflow.getMessage().contains("overflows"), overflow.getMessage());
    }

    @Test
    void toFloatArrayRefusesOtherDtypes() {
        TensorData t = new TensorData("ids", DType.I32, new long[] {1}, MemorySegment.ofArray(new byte[4]));
        var e = assertThrows(HeadwiseException.class, t::toFloatArray);
        assertTrue(e.getMessage().contains("'ids'") && e.getMessage().contains("I32"), e.getMessage());
    }

    @Test
    void parsesDtypeNamesExactly() {
        assertEquals(DType.BF16, DType.parse("BF16"));
        assertEquals(2, DType.BF16.size());
        var e = assertThrows(HeadwiseException.class, () -> DType.parse("f32"));
        assertTrue(e.getMessage().contains("'f32'") && e.getMessage().contains("F32"), e.getMessage());
    }
}
