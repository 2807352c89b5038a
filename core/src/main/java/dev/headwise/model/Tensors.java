package dev.headwise.model;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

import dev.headwise.HeadwiseException;
import dev.headwise.weights.DType;
import dev.headwise.weights.TensorData;
import org.bytedeco.pytorch.TensorOptions;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Moving arrays and checkpoint data between Java and libtorch. Each call copies, except {@link #borrow}. */
public final class Tensors {
    private Tensors() {}

    /**
     * t, taken out of the innermost {@code PointerScope} (if any) so that it outlives the scope and is freed
     * once the Java object is collected: for state a model or a loop keeps. {@code PointerScope.detach} alone
     * gives up the scope's reference, which frees a tensor the scope held alone.
     */
    public static Tensor outlivingScope(Tensor t) {
        PointerScope scope = PointerScope.getInnerScope();
        if (scope != null) {
            t.retainReference();
            scope.detach(t);
        }
        return t;
    }

    public static Tensor floats(float[] values, long... shape) {
        try (var p = new FloatPointer(values)) {
            return torch.from_blob(p, shape, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Float)).clone();
        }
    }

    public static Tensor longs(long[] values, long... shape) {
        try (var p = new LongPointer(values)) {
            return torch.from_blob(p, shape, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long)).clone();
        }
    }

    public static Tensor doubles(double[] values, long... shape) {
        try (var p = new org.bytedeco.javacpp.DoublePointer(values)) {
            return torch.from_blob(p, shape.length == 0 ? new long[] {values.length} : shape,
                    new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Double)).clone();
        }
    }

    /** A uint8 tensor holding {@code values} (a generator's state). */
    public static Tensor bytes(byte[] values) {
        try (var p = new org.bytedeco.javacpp.BytePointer(values)) {
            return torch.from_blob(p, new long[] {values.length},
                    new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Byte)).clone();
        }
    }

    /** The bytes of a uint8 tensor. */
    public static byte[] toBytes(Tensor t) {
        Tensor c = t.cpu().contiguous();
        byte[] out = new byte[Math.toIntExact(c.numel())];
        c.data_ptr_byte().get(out);
        return out;
    }

    /** All elements of a tensor, row-major, as doubles (copied to the CPU if needed). */
    public static double[] toDoubles(Tensor t) {
        Tensor c = t.detach().to(torch.ScalarType.Double).cpu().contiguous();
        double[] out = new double[Math.toIntExact(c.numel())];
        c.data_ptr_double().get(out);
        return out;
    }

    /** All elements of a tensor, row-major, as floats (copied to the CPU if needed). */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().to(torch.ScalarType.Float).cpu().contiguous();
        float[] out = new float[Math.toIntExact(c.numel())];
        c.data_ptr_float().get(out);
        return out;
    }

    /** A JavaCPP pointer to native memory held by a segment (no copy; the segment must outlive its use). */
    public static Pointer pointerTo(MemorySegment nativeSegment) {
        long segmentAddress = nativeSegment.address(); // not "address": that name is Pointer's own field
        return new Pointer() {
            {
                address = segmentAddress;
            }
        };
    }

    /** A copy of checkpoint data as an fp32 tensor (parameters are fp32 whatever the file stores). */
    public static Tensor fromData(TensorData t) {
        return fromData(t, floatType(t)).to(torch.ScalarType.Float);
    }

    /**
     * Checkpoint data as a tensor of its stored floating-point type without a copy when the data is native
     * memory (a mapped file): valid only until that file is closed. For loading into parameters, whose
     * {@code copy_} converts the type, this saves copying the whole model once more.
     */
    public static Tensor borrow(TensorData t) {
        torch.ScalarType type = floatType(t);
        return t.data().isNative() ? torch.from_blob(pointerTo(t.data()), t.shape(), new TensorOptions(type))
                : fromData(t, type);
    }

    /** A copy of checkpoint data as a tensor of the given type, which must match the data's dtype. */
    public static Tensor fromData(TensorData t, torch.ScalarType type) {
        try (var arena = Arena.ofConfined()) {
            MemorySegment data = t.data().isNative() ? t.data() : arena.allocate(t.data().byteSize() + 1).copyFrom(t.data());
            return torch.from_blob(pointerTo(data), t.shape(), new TensorOptions(type)).clone();
        }
    }

    private static torch.ScalarType floatType(TensorData t) {
        return switch (t.dtype()) {
            case F32 -> torch.ScalarType.Float;
            case F16 -> torch.ScalarType.Half;
            case BF16 -> torch.ScalarType.BFloat16;
            case F64 -> torch.ScalarType.Double;
            default -> throw new HeadwiseException("tensor '" + t.name() + "' is " + t.dtype()
                    + "; model parameters must be floating point.");
        };
    }

    /** A copy of a tensor as checkpoint data in {@code arena}: F32 for floating point, else U8 or I64 as stored. */
    public static TensorData toData(String name, Tensor t, Arena arena) {
        // Compare values: enums handed back by JavaCPP are not the Java constants (switch and == misfire).
        int type = t.scalar_type().value;
        DType dtype = type == torch.ScalarType.Byte.value ? DType.U8
                : type == torch.ScalarType.Long.value ? DType.I64 : DType.F32;
        Tensor c = (dtype == DType.F32 ? t.detach().to(torch.ScalarType.Float) : t.detach()).cpu().contiguous();
        long bytes = c.nbytes();
        MemorySegment copy = arena.allocate(Math.max(bytes, 1)).asSlice(0, bytes);
        MemorySegment.copy(MemorySegment.ofAddress(c.data_ptr().address()).reinterpret(bytes), 0, copy, 0, bytes);
        return new TensorData(name, dtype, shape(c), copy);
    }

    public static long[] shape(Tensor t) {
        return t.sizes().vec().get();
    }
}
