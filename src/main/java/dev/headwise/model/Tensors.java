package dev.headwise.model;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

import java.lang.foreign.MemorySegment;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Moving small arrays between Java and libtorch. Each call copies; tensors own their memory. */
public final class Tensors {
    private Tensors() {}

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

    public static long[] shape(Tensor t) {
        return t.sizes().vec().get();
    }
}
