package dev.headwise.ffm.tensor;

import dev.headwise.HeadwiseException;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/** Checks and device moves shared by the writers. */
final class BatchTensors {
    private BatchTensors() {}

    /** Throws unless {@code shape} is non-negative and holds exactly {@code count} elements. */
    static void checkShape(long[] shape, long count) {
        long elements = 1;
        for (long d : shape) {
            if (d < 0) throw new HeadwiseException("batch shape " + Arrays.toString(shape) + " has a negative dimension.");
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw new HeadwiseException("batch shape " + Arrays.toString(shape) + " has too many elements.");
            }
        }
        if (elements != count) {
            throw new HeadwiseException("batch shape " + Arrays.toString(shape) + " holds " + elements
                    + " values, but " + count + " were given.");
        }
    }

    /** Throws unless {@code target} is a defined int64 tensor of exactly {@code count} elements. */
    static void checkTarget(Tensor target, long count) {
        if (target == null || target.isNull() || !target.defined()) {
            throw new HeadwiseException("the batch tensor to fill is undefined.");
        }
        // JavaCPP hands back fresh enum instances from native code: intern() before comparing
        if (target.scalar_type().intern() != torch.ScalarType.Long) {
            throw new HeadwiseException("the batch tensor to fill holds " + target.scalar_type()
                    + "; batch tensors hold int64 (Long).");
        }
        if (target.numel() != count) {
            throw new HeadwiseException("the batch tensor to fill has " + target.numel() + " elements, but "
                    + count + " values were given.");
        }
    }

    static long[] shape(Tensor t) {
        try (var temporaries = new PointerScope()) {
            return t.sizes().vec().get();
        }
    }

    /**
     * Copies a host tensor to {@code device}. {@code nonBlocking} only overlaps with other work when the
     * host memory is pinned; libtorch's pinned allocator keeps the source alive until the copy is done.
     */
    static Tensor toDevice(Tensor host, Device device, boolean nonBlocking) {
        try {
            return host.to(device, torch.ScalarType.Long, nonBlocking, false, new MemoryFormatOptional());
        } catch (RuntimeException e) {
            throw new HeadwiseException("copying a batch to " + device.str().getString() + " failed: "
                    + e.getMessage(), e);
        }
    }
}
