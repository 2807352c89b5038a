package dev.headwise.infer;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.model.Devices;
import dev.headwise.model.InferencePrecision;
import dev.headwise.tokenize.Windows;
import org.bytedeco.pytorch.Device;

/**
 * How {@link Classifier#load(java.nio.file.Path, InferenceOptions)} opens a model.
 *
 * @param device    where it runs
 * @param task      its heads read as this task (e.g. an HF two-label model as binary); null: as saved
 * @param windows   long texts read as these windows instead of as saved; null: as saved
 * @param precision of its products: int8 (CPU only) and bf16 are made from the fp32 weights at load; where the
 *                  CPU lacks the instructions the model runs fp32 and {@link Classifier#precision()} says why
 */
public record InferenceOptions(Device device, Task task, Windows windows, InferencePrecision precision) {
    public InferenceOptions {
        if (device == null) throw new HeadwiseException("inference options: the device is missing.");
        if (precision == null) throw new HeadwiseException("inference options: the precision is missing.");
        if (precision == InferencePrecision.INT8 && !device.is_cpu()) {
            throw new HeadwiseException("--precision int8 is for CPU inference; on a GPU use fp32 or bf16.");
        }
    }

    /** The CPU, heads and windows as saved, fp32. */
    public static InferenceOptions cpu() {
        return new InferenceOptions(Devices.parse("cpu"), null, null, InferencePrecision.FP32);
    }

    public InferenceOptions withDevice(Device d) {
        return new InferenceOptions(d, task, windows, precision);
    }

    public InferenceOptions withTask(Task t) {
        return new InferenceOptions(device, t, windows, precision);
    }

    public InferenceOptions withWindows(Windows w) {
        return new InferenceOptions(device, task, w, precision);
    }

    public InferenceOptions withPrecision(InferencePrecision p) {
        return new InferenceOptions(device, task, windows, p);
    }
}
