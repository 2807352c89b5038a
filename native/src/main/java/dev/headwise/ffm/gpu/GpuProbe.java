package dev.headwise.ffm.gpu;

import java.util.List;
import java.util.Optional;

/**
 * What CUDA hardware this process can see, found without libtorch's help (its CPU build knows nothing
 * of GPUs). Obtain one from {@link GpuProbes#detect()}.
 */
public interface GpuProbe {
    /** True when at least one CUDA device can be used. */
    boolean available();

    /** The CUDA devices in CUDA runtime order; empty when none is available. */
    List<GpuInfo> devices();

    /** The NVIDIA driver version (and the CUDA version the driver supports), if known. */
    Optional<String> driverVersion();

    /** The version of the CUDA runtime library that was loaded, if any. */
    Optional<String> runtimeVersion();

    /** One line for {@code headwise info}: where CUDA was found, or why there is no GPU. */
    String description();
}
