package dev.headwise.train;

import dev.headwise.Task;
import dev.headwise.data.Batch;
import dev.headwise.model.ModelInput;
import dev.headwise.model.Tensors;
import dev.headwise.ffm.tensor.FfmTensorWriter;
import dev.headwise.ffm.tensor.TensorWriter;
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
        return new ModelInput(ids, mask, types, targets(b, task, device));
    }

    private static Tensor targets(Batch b, Task task, Device device) {
        return switch (task) {
            case MULTICLASS -> WRITER.ints(b.classIds()[0], new long[] {b.size()}, device);
            case BINARY -> {
                float[] y = new float[b.size()];
                for (int i = 0; i < y.length; i++) y[i] = b.classIds()[0][i];
                yield onDevice(Tensors.floats(y, b.size()), device);
            }
            case MULTILABEL -> onDevice(Tensors.floats(b.multiHot(), b.size(), b.multiHot().length / Math.max(1, b.size())),
                    device);
            case HIERARCHICAL -> {
                int levels = b.classIds().length;
                long[] y = new long[b.size() * levels];
                for (int i = 0; i < b.size(); i++) {
                    for (int l = 0; l < levels; l++) y[i * levels + l] = b.classIds()[l][i];
                }
                yield onDevice(Tensors.longs(y, b.size(), levels), device);
            }
        };
    }

    private static Tensor onDevice(Tensor t, Device device) {
        return device.is_cpu() ? t : t.to(device, t.scalar_type());
    }
}
