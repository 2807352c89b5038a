package dev.headwise.ffm.tensor;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The plain writer: the values go through a JavaCPP {@code LongPointer} and libtorch clones them, two
 * copies. The reference the FFM writer is tested against.
 */
public final class JavaCppTensorWriter implements TensorWriter {
    @Override
    public Tensor longs(long[] values, long[] shape, Device device) {
        BatchTensors.checkShape(shape, values.length);
        Tensor host = host(values, shape);
        if (device.is_cpu()) return host;
        try {
            return BatchTensors.toDevice(host, device, false);
        } finally {
            host.close();
        }
    }

    @Override
    public Tensor ints(int[] values, long[] shape, Device device) {
        return longs(widen(values), shape, device);
    }

    @Override
    public void fill(Tensor target, long[] values) {
        BatchTensors.checkTarget(target, values.length);
        try (var temporaries = new PointerScope()) {
            target.copy_(host(values, BatchTensors.shape(target)));
        }
    }

    @Override
    public void fill(Tensor target, int[] values) {
        fill(target, widen(values));
    }

    private static Tensor host(long[] values, long[] shape) {
        try (var p = new LongPointer(values)) {
            return torch.from_blob(p, shape, new TensorOptions(torch.ScalarType.Long)).clone();
        }
    }

    private static long[] widen(int[] values) {
        var out = new long[values.length];
        for (int i = 0; i < values.length; i++) out[i] = values[i];
        return out;
    }
}
