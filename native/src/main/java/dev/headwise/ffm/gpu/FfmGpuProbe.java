package dev.headwise.ffm.gpu;

import dev.headwise.HeadwiseException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * GPUs seen through the CUDA runtime, with NVML (when present) for names, memory and utilisation,
 * all called through FFM downcalls. Made by {@link GpuProbes#detect()} once a device was counted.
 */
public final class FfmGpuProbe implements GpuProbe {
    private final CudaRuntime cuda;
    private final Optional<Nvml> nvml;

    FfmGpuProbe(CudaRuntime cuda, Optional<Nvml> nvml) {
        this.cuda = cuda;
        this.nvml = nvml;
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public List<GpuInfo> devices() {
        int count = cuda.deviceCount();
        var out = new ArrayList<GpuInfo>(count);
        try (Nvml.Session session = nvmlSession()) {
            for (int i = 0; i < count; i++) {
                out.add(describe(i, session == null ? Optional.empty() : nvml));
            }
        }
        return List.copyOf(out);
    }

    private GpuInfo describe(int index, Optional<Nvml> usableNvml) {
        int major = cuda.computeCapabilityMajor(index);
        int minor = cuda.computeCapabilityMinor(index);
        if (usableNvml.isPresent()) {
            try {
                Nvml n = usableNvml.get();
                var device = n.device(cuda.pciBusId(index));
                long[] memory = n.memoryFreeTotal(device);
                return new GpuInfo(index, n.name(device), major, minor, memory[1], memory[0], n.utilization(device));
            } catch (HeadwiseException nvmlCannotSeeIt) {
                // containers may hide a device from NVML that CUDA still sees: fall back to the runtime
            }
        }
        long[] memory = cuda.memoryFreeTotal(index);
        return new GpuInfo(index, cuda.name(index), major, minor, memory[1], memory[0], OptionalInt.empty());
    }

    /** An NVML session, or null where NVML is missing or refuses to start (no permission, say). */
    private Nvml.Session nvmlSession() {
        try {
            return nvml.map(Nvml::session).orElse(null);
        } catch (HeadwiseException e) {
            return null;
        }
    }

    @Override
    public Optional<String> driverVersion() {
        String cudaPart = "supports CUDA " + CudaRuntime.version(cuda.driverVersion());
        try (Nvml.Session session = nvmlSession()) {
            return Optional.of(session == null ? cudaPart : nvml.orElseThrow().driverVersion() + " (" + cudaPart + ")");
        }
    }

    @Override
    public Optional<String> runtimeVersion() {
        return Optional.of(CudaRuntime.version(cuda.runtimeVersion()));
    }

    @Override
    public String description() {
        return "CUDA runtime " + CudaRuntime.version(cuda.runtimeVersion()) + " from " + cuda.location()
                + (nvml.isPresent() ? ", NVML available" : ", NVML not found");
    }
}
