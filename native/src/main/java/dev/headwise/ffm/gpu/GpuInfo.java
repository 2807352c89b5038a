package dev.headwise.ffm.gpu;

import dev.headwise.HeadwiseException;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One CUDA device as the CUDA runtime numbers it (the index libtorch's {@code cuda:N} uses).
 *
 * @param utilizationPercent GPU busy percentage over NVML's last sample period; empty without NVML
 */
public record GpuInfo(int index, String name, int ccMajor, int ccMinor, long totalBytes, long freeBytes,
                      OptionalInt utilizationPercent) {
    public GpuInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(utilizationPercent, "utilizationPercent");
        if (index < 0 || ccMajor < 0 || ccMinor < 0 || totalBytes < 0 || freeBytes < 0) {
            throw new HeadwiseException("GPU " + index + " (" + name + ") reported negative properties: compute "
                    + ccMajor + "." + ccMinor + ", " + freeBytes + " of " + totalBytes + " bytes free.");
        }
    }

    /** The compute capability as CUDA writes it, e.g. {@code 8.6}. */
    public String computeCapability() {
        return ccMajor + "." + ccMinor;
    }
}
