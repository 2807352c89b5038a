package dev.headwise.model;

import dev.headwise.HeadwiseException;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

import java.util.Locale;

/**
 * Numeric precision of forward passes. Parameters and optimizer state stay fp32 in every mode ("master
 * weights"); {@code BF16} runs matmul-heavy ops in bfloat16 through libtorch's autocast, {@code TF32} lets
 * fp32 matmuls use TensorFloat-32 on GPUs that have it ({@link TorchRuntime} sets that, process-wide).
 */
public enum Precision {
    FP32, BF16, TF32;

    public static Precision parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HeadwiseException("unknown precision '" + s + "'; use fp32, bf16 or tf32"
                    + ("int8".equalsIgnoreCase(s) ? " (int8 is for inference: predict, evaluate, encode, bench infer)." : "."));
        }
    }

    /**
     * Autocast for the current thread (libtorch keeps it per thread) until closed; a no-op unless BF16.
     * Closing also clears autocast's cast cache, which otherwise holds bf16 copies of the weights.
     */
    public Autocast autocast(Device device) {
        if (this != BF16) return () -> { };
        torch.DeviceType type = device.is_cuda() ? torch.DeviceType.CUDA : torch.DeviceType.CPU;
        boolean was = torch.is_autocast_enabled(type);
        torch.set_autocast_dtype(type, torch.ScalarType.BFloat16);
        torch.set_autocast_enabled(type, true);
        return () -> {
            torch.set_autocast_enabled(type, was);
            torch.clear_cache(); // at::autocast::clear_cache
        };
    }

    /** An autocast region; closing it restores the previous state. */
    public interface Autocast extends AutoCloseable {
        @Override
        void close();
    }
}
