package dev.headwise.weights;

import dev.headwise.HeadwiseException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor: dtype, shape and its elements as little-endian bytes (row-major, as safetensors stores
 * them). The segment is not copied: a tensor read from a file is a view of the mapping and becomes invalid
 * once that file is closed. Like any record with array and segment components, equality is by identity of
 * {@code shape} and {@code data}; compare contents with {@link MemorySegment#mismatch}.
 */
public record TensorData(String name, DType dtype, long[] shape, MemorySegment data) {
    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public TensorData {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        shape = Objects.requireNonNull(shape, "shape").clone();
        long bytes = byteSize(name, dtype, shape);
        if (data.byteSize() != bytes) {
            throw new HeadwiseException("Tensor '" + name + "' of " + dtype + " " + Arrays.toString(shape) + " needs "
                    + bytes + " bytes but has " + data.byteSize() + ".");
        }
    }

    /** A F32 tensor holding a copy of {@code values}. */
    public static TensorData ofFloats(String name, long[] shape, float[] values) {
        MemorySegment data = MemorySegment.ofArray(new byte[Math.multiplyExact(values.length, Float.BYTES)]);
        MemorySegment.copy(values, 0, data, F32_LE, 0, values.length);
        return new TensorData(name, DType.F32, shape, data);
    }

    private static long byteSize(String name, DType dtype, long[] shape) {
        if (Arrays.stream(shape).anyMatch(dim -> dim < 0)) {
            throw new HeadwiseException("Tensor '" + name + "' has a negative dimension in shape "
                    + Arrays.toString(shape) + ".");
        }
        try {
            return byteSizeExact(dtype, shape);
        } catch (ArithmeticException e) {
            throw new HeadwiseException("Tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + " whose byte size overflows a 64-bit integer.");
        }
    }

    /** Bytes of a tensor with non-negative dims; {@link ArithmeticException} when that overflows a long. */
    static long byteSizeExact(DType dtype, long[] shape) {
        return Math.multiplyExact(numelExact(shape), dtype.size());
    }

    private static long numelExact(long[] shape) {
        long n = 1;
        for (long dim : shape) {
            n = Math.multiplyExact(n, dim);
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (1 for a 0-d scalar, 0 when any dimension is 0). */
    public long numel() {
        return numelExact(shape);
    }

    /** The elements of a F32 tensor as a Java array (meant for tests and small tensors). */
    public float[] toFloatArray() {
        if (dtype != DType.F32) {
            throw new HeadwiseException("Tensor '" + name + "' is " + dtype + ", not F32.");
        }
        if (numel() > Integer.MAX_VALUE - 8) { // the largest array size JVMs reliably allocate
            throw new HeadwiseException("Tensor '" + name + "' has " + numel()
                    + " elements, too many for a Java array.");
        }
        return data.toArray(F32_LE);
    }

    @Override
    public String toString() {
        return "TensorData[" + name + ", " + dtype + " " + Arrays.toString(shape) + "]";
    }
}
