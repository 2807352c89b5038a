package dev.headwise.model;

import dev.headwise.HeadwiseException;
import org.bytedeco.pytorch.Device;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.global.torch;

/** Device names as users type them: {@code cpu}, {@code cuda}, {@code cuda:N}. */
public final class Devices {
    private Devices() {}

    public static Device parse(String spec) {
        String s = spec == null ? "cpu" : spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cpu")) return new Device("cpu");
        if (!s.matches("cuda(:\\d{1,2})?")) {
            throw new HeadwiseException("unknown device '" + spec + "'; use cpu, cuda or cuda:N.");
        }
        if (!torch.cuda_is_available()) {
            throw new HeadwiseException("device " + spec + " was asked for, but CUDA is not available"
                    + " (this build has CPU natives only, or no GPU/driver is present; see `headwise info`).");
        }
        int index = s.contains(":") ? Integer.parseInt(s.substring(5)) : 0;
        int count = torch.cuda_device_count();
        if (index >= count) {
            throw new HeadwiseException("device " + spec + " does not exist; " + count + " CUDA device(s) found.");
        }
        return new Device(torch.DeviceType.CUDA, (byte) index);
    }

    /**
     * Sets libtorch's intra-op threads and keeps OpenBLAS to one thread per call. libtorch already
     * parallelises batched matmuls over the batch; letting each of those BLAS calls start its own threads
     * as well made a (192 x 128 x 64) bmm 90x slower (3.06 s vs 0.035 s on the 2-core machine) and a
     * DistilBERT-base training step 10x slower. OMP_WAIT_POLICY should be PASSIVE in the environment
     * (the launcher sets it), or idle OpenMP workers spin against the others.
     */
    public static void setThreads(int threads) {
        if (threads < 1) throw new HeadwiseException("--threads must be at least 1, got " + threads + ".");
        torch.set_num_threads(threads);
        openblas_full.openblas_set_num_threads(1);
    }
}
