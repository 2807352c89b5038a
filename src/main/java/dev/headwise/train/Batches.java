package dev.headwise.train;

import dev.headwise.Task;
import dev.headwise.data.Batch;
import dev.headwise.model.ModelInput;
import dev.headwise.model.Tensors;
import dev.headwise.nativ.tensor.FfmTensorWriter;
import dev.headwise.nativ.tensor.TensorWriter;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Host batches from the data layer as tensors on the model's device, targets shaped for the task's loss.
 * Token arrays are written straight into tensor memory (pinned, then copied asynchronously, for CUDA).
 */
public final class Batches {
    private static final TensorWriter WRITER = new FfmTensorWriter();

    private Batches() {}

    public static ModelInput toInput(Batch b, Task task, Device device) {
        long[] shape = {b.size(), b.length()};
        Tensor ids = WRITER.longs(b.inputIds(), shape, device);
        Tensor mask = WRITER.longs(b.attentionMask(), shape, device);
        Tensor types = b.tokenTypeIds() == null ? null : WRITER.longs(b.tokenTypeIds(), shape, device);
        return new ModelInput(ids, mask, types, onDevice(targets(b, task), device));
    }

    private static Tensor targets(Batch b, Task task) {
        return switch (task) {
            case MULTICLASS -> Tensors.longs(widen(b.classIds()[0]), b.size());
            case BINARY -> {
                float[] y = new float[b.size()];
                for (int i = 0; i < y.length; i++) y[i] = b.classIds()[0][i];
                yield Tensors.floats(y, b.size());
            }
            case MULTILABEL -> Tensors.floats(b.multiHot(), b.size(), b.multiHot().length / Math.max(1, b.size()));
            case HIERARCHICAL -> {
                int levels = b.classIds().length;
                long[] y = new long[b.size() * levels];
                for (int i = 0; i < b.size(); i++) {
                    for (int l = 0; l < levels; l++) y[i * levels + l] = b.classIds()[l][i];
                }
                yield Tensors.longs(y, b.size(), levels);
            }
        };
    }

    private static long[] widen(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }

    private static Tensor onDevice(Tensor t, Device device) {
        return device.is_cpu() ? t : t.to(device, t.scalar_type());
    }
}
