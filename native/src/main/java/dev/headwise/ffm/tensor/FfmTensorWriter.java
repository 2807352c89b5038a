package dev.headwise.ffm.tensor;

import dev.headwise.HeadwiseException;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

/**
 * Writes the values straight into the memory of a tensor libtorch allocated ({@code torch.empty}),
 * through a {@link MemorySegment} over its data pointer: one copy. For a CUDA device the values go into
 * pinned host memory first so that the copy to the device can be asynchronous.
 * Needs {@code --enable-native-access=ALL-UNNAMED}.
 */
public final class FfmTensorWriter implements TensorWriter {
    // Constants are retained once so a PointerScope open while this class initialises cannot free them.
    private static final TensorOptions HOST_LONGS = kept(new TensorOptions(torch.ScalarType.Long));
    private static final TensorOptions PINNED_LONGS =
            kept(new TensorOptions(torch.ScalarType.Long).pinned_memory(new BoolOptional(true)));
    private static final MemoryFormatOptional ANY_FORMAT = kept(new MemoryFormatOptional());

    @Override
    public Tensor longs(long[] values, long[] shape, Device device) {
        BatchTensors.checkShape(shape, values.length);
        return create(shape, device, copying(values));
    }

    @Override
    public Tensor ints(int[] values, long[] shape, Device device) {
        BatchTensors.checkShape(shape, values.length);
        return create(shape, device, widening(values));
    }

    @Override
    public void fill(Tensor target, long[] values) {
        BatchTensors.checkTarget(target, values.length);
        fill(target, copying(values));
    }

    @Override
    public void fill(Tensor target, int[] values) {
        BatchTensors.checkTarget(target, values.length);
        fill(target, widening(values));
    }

    private static Consumer<MemorySegment> copying(long[] values) {
        return dst -> MemorySegment.copy(values, 0, dst, ValueLayout.JAVA_LONG, 0, values.length);
    }

    private static Consumer<MemorySegment> widening(int[] values) {
        return dst -> {
            for (int i = 0; i < values.length; i++) dst.setAtIndex(ValueLayout.JAVA_LONG, i, values[i]);
        };
    }

    private static Tensor create(long[] shape, Device device, Consumer<MemorySegment> write) {
        if (device.is_cpu()) {
            Tensor t = torch.empty(shape, HOST_LONGS, ANY_FORMAT);
            writeInto(t, write);
            return t;
        }
        Tensor staging = staging(shape);
        try {
            writeInto(staging, write);
            return BatchTensors.toDevice(staging, device, true);
        } finally {
            staging.close();
        }
    }

    private static void fill(Tensor target, Consumer<MemorySegment> write) {
        if (target.is_cpu() && target.is_contiguous()) {
            writeInto(target, write);
            return;
        }
        long[] shape = BatchTensors.shape(target);
        Tensor staging = target.is_cpu() ? torch.empty(shape, HOST_LONGS, ANY_FORMAT) : staging(shape);
        try {
            writeInto(staging, write);
            target.copy_(staging, true);
        } catch (RuntimeException e) {
            throw new HeadwiseException("filling a batch tensor on " + target.device().str().getString()
                    + " failed: " + e.getMessage(), e);
        } finally {
            staging.close();
        }
    }

    /** A host tensor to copy to a GPU from: pinned where libtorch can pin, else ordinary memory. */
    static Tensor staging(long[] shape) {
        try {
            return torch.empty(shape, PINNED_LONGS, ANY_FORMAT);
        } catch (RuntimeException cannotPin) {
            // a CPU-only libtorch has no pinned allocator; the copy is then just synchronous
            return torch.empty(shape, HOST_LONGS, ANY_FORMAT);
        }
    }

    /** Hands {@code write} the tensor's elements; the tensor must be contiguous int64 in host memory. */
    private static void writeInto(Tensor t, Consumer<MemorySegment> write) {
        long bytes = t.numel() * Long.BYTES;
        if (bytes == 0) return;
        write.accept(MemorySegment.ofAddress(t.data_ptr().address()).reinterpret(bytes));
    }

    private static <P extends Pointer> P kept(P pointer) {
        return pointer.retainReference();
    }
}
