package dev.headwise.ffm.gpu;

import dev.headwise.HeadwiseException;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Optional;

/** Finds the GPU probe for this machine. */
public final class GpuProbes {
    private GpuProbes() {}

    /**
     * The FFM probe when the CUDA runtime loads and counts at least one device, otherwise a
     * {@link NoGpuProbe} saying why. Never throws; needs {@code --enable-native-access=ALL-UNNAMED}.
     */
    public static GpuProbe detect() {
        return detect(LibraryCandidates.cudaRuntime(System.getenv(), LibraryCandidates.javacppCache()),
                LibraryCandidates.NVML);
    }

    static GpuProbe detect(List<String> cudaRuntime, List<String> nvml) {
        // Closing the arena unloads what was loaded; a working probe keeps its libraries for the process.
        Arena arena = Arena.ofShared();
        try {
            Optional<NativeLibrary> cudart = NativeLibrary.open(cudaRuntime, arena, "cudaGetErrorName");
            if (cudart.isEmpty()) {
                arena.close();
                return new NoGpuProbe("the CUDA runtime library (" + LibraryCandidates.CUDART
                        + ") was not found; tried " + String.join(", ", cudaRuntime) + ".");
            }
            var cuda = new CudaRuntime(cudart.get());
            int count;
            try {
                count = cuda.deviceCount();
            } catch (HeadwiseException e) {
                // The usual answer on a machine without an NVIDIA driver (error 35) or GPU (error 100).
                arena.close();
                return new NoGpuProbe("the CUDA runtime at " + cudart.get().location() + " finds no usable driver or"
                        + " device (" + e.getMessage().replaceAll("\\.$", "") + ").");
            }
            if (count < 1) {
                arena.close();
                return new NoGpuProbe("the CUDA runtime at " + cudart.get().location() + " reports no device.");
            }
            return new FfmGpuProbe(cuda, NativeLibrary.open(nvml, arena, "nvmlErrorString").map(Nvml::new));
        } catch (RuntimeException e) {
            arena.close();
            return new NoGpuProbe("probing CUDA failed: " + e.getMessage());
        }
    }
}
