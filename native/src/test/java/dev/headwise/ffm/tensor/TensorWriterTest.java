package dev.headwise.ffm.tensor;

import dev.headwise.HeadwiseException;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The FFM writer against the plain JavaCPP one and against the source arrays themselves. */
class TensorWriterTest {
    private static final Device CPU = new Device("cpu");
    private final TensorWriter plain = new JavaCppTensorWriter();
    private final TensorWriter ffm = new FfmTensorWriter();
    private final List<TensorWriter> writers = List.of(plain, ffm);
    private PointerScope scope;

    @BeforeEach
    void openScope() {
        scope = new PointerScope();
    }

    @AfterEach
    void closeScope() {
        scope.close();
    }

    @ParameterizedTest
    @CsvSource({"1,1", "2,7", "32,128", "3,0", "0,128", "256,512"})
    void longsMatchTheSourceAndEachOther(int rows, int cols) {
        long[] values = new Random(rows * 31L + cols).longs((long) rows * cols).toArray();
        long[] shape = {rows, cols};

        Tensor expected = plain.longs(values, shape, CPU);
        Tensor actual = ffm.longs(values, shape, CPU);

        assertInt64(shape, values, expected);
        assertInt64(shape, values, actual);
        assertTrue(torch.equal(expected, actual));
    }

    @ParameterizedTest
    @CsvSource({"1,1", "4,9", "32,128", "0,128"})
    void intsAreWidenedWithTheirSign(int rows, int cols) {
        int[] values = new Random(rows + cols).ints((long) rows * cols).toArray();
        if (values.length >= 2) {
            values[0] = Integer.MIN_VALUE;
            values[1] = Integer.MAX_VALUE;
        }
        long[] widened = Arrays.stream(values).asLongStream().toArray();
        long[] shape = {rows, cols};

        for (TensorWriter w : writers) {
            assertInt64(shape, widened, w.ints(values, shape, CPU));
        }
    }

    @Test
    void otherRanksWorkToo() {
        long[] values = {1, 2, 3, 4, 5, 6};
        for (TensorWriter w : writers) {
            assertInt64(new long[] {6}, values, w.longs(values, new long[] {6}, CPU));
            assertInt64(new long[] {1, 2, 3}, values, w.longs(values, new long[] {1, 2, 3}, CPU));
        }
    }

    @Test
    void fillOverwritesAReusedTensorInPlace() {
        for (TensorWriter w : writers) {
            Tensor reused = zeros(torch.ScalarType.Long, 2, 3);
            long address = reused.data_ptr().address();

            w.fill(reused, new long[] {1, 2, 3, 4, 5, 6});
            assertInt64(new long[] {2, 3}, new long[] {1, 2, 3, 4, 5, 6}, reused);
            w.fill(reused, new int[] {-7, 0, 7, 70, 700, 7000});
            assertInt64(new long[] {2, 3}, new long[] {-7, 0, 7, 70, 700, 7000}, reused);
            assertEquals(address, reused.data_ptr().address(), "the tensor keeps its memory");
        }
    }

    @Test
    void fillFollowsTheLogicalOrderOfANonContiguousView() {
        for (TensorWriter w : writers) {
            Tensor base = zeros(torch.ScalarType.Long, 3, 2);
            Tensor view = base.t(); // (2, 3) over (3, 2) storage

            w.fill(view, new long[] {1, 2, 3, 4, 5, 6});

            assertInt64(new long[] {3, 2}, new long[] {1, 4, 2, 5, 3, 6}, base);
        }
    }

    @Test
    void shapesThatDoNotHoldTheValuesAreRejected() {
        for (TensorWriter w : writers) {
            var e = assertThrows(HeadwiseException.class, () -> w.longs(new long[5], new long[] {2, 3}, CPU));
            assertEquals("batch shape [2, 3] holds 6 values, but 5 were given.", e.getMessage());
            assertThrows(HeadwiseException.class, () -> w.ints(new int[0], new long[] {-1, 0}, CPU));
            assertThrows(HeadwiseException.class,
                    () -> w.longs(new long[0], new long[] {Long.MAX_VALUE, 4, 0}, CPU));
        }
    }

    @Test
    void fillTargetsMustBeInt64OfTheRightSize() {
        Tensor floats = zeros(torch.ScalarType.Float, 2, 2);
        Tensor longs = zeros(torch.ScalarType.Long, 2, 2);
        for (TensorWriter w : writers) {
            var dtype = assertThrows(HeadwiseException.class, () -> w.fill(floats, new long[4]));
            assertTrue(dtype.getMessage().contains("Float"), dtype.getMessage());
            var size = assertThrows(HeadwiseException.class, () -> w.fill(longs, new int[3]));
            assertEquals("the batch tensor to fill has 4 elements, but 3 values were given.", size.getMessage());
            assertThrows(HeadwiseException.class, () -> w.fill(new Tensor(), new long[0]));
        }
    }

    @Test
    void aCudaDeviceWithoutCudaIsAClearError() {
        assumeFalse(torch.cuda_is_available(), "this libtorch has CUDA");
        for (TensorWriter w : writers) {
            var e = assertThrows(HeadwiseException.class,
                    () -> w.longs(new long[] {1, 2}, new long[] {1, 2}, new Device("cuda:0")));
            assertTrue(e.getMessage().startsWith("copying a batch to cuda:0 failed"), e.getMessage());
        }
    }

    @Test
    void stagingFallsBackToOrdinaryMemoryWhereNothingCanBePinned() {
        Tensor staging = FfmTensorWriter.staging(new long[] {2, 5});

        assertEquals(torch.ScalarType.Long, staging.scalar_type().intern());
        assertArrayEquals(new long[] {2, 5}, BatchTensors.shape(staging));
        assertTrue(staging.is_cpu() && staging.is_contiguous());
    }

    private static Tensor zeros(torch.ScalarType dtype, long... shape) {
        return torch.zeros(shape).to(dtype);
    }

    private static void assertInt64(long[] shape, long[] values, Tensor t) {
        assertEquals(torch.ScalarType.Long, t.scalar_type().intern());
        assertArrayEquals(shape, BatchTensors.shape(t));
        assertTrue(t.is_contiguous());
        long[] read = new long[values.length];
        if (read.length > 0) t.data_ptr_long().get(read);
        assertArrayEquals(values, read);
    }
}
