package dev.headwise.model;

import dev.headwise.HeadwiseException;
import org.bytedeco.pytorch.Device;
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
     * Sets libtorch's intra-op threads and the BLAS's threads ({@link Blas}) to the same count. libtorch's CPU
     * matrix products are BLAS calls, so they use only as many cores as the BLAS has threads ({@code headwise
     * bench train} shows the difference on a machine; docs/performance.md, decision log). BLAS threads wait for each other inside every product, though, so on a machine whose cores
     * are taken by other processes small products can stall for milliseconds: there, pass 1. With OpenBLAS,
     * OMP_WAIT_POLICY should be PASSIVE in the environment (the launcher sets it), or idle OpenMP workers spin
     * against OpenBLAS's own threads; MKL runs on libtorch's OpenMP threads and needs no such setting.
     */
    public static void setThreads(int threads) {
        if (threads < 1) throw new HeadwiseException("--threads must be at least 1, got " + threads + ".");
        torch.set_num_threads(threads);
        Blas.current().setThreads(threads);
    }
}
