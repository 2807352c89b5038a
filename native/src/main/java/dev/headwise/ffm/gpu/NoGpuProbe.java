package dev.headwise.ffm.gpu;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The probe when no GPU can be used, with the reason (missing library, no device, an error code). */
public record NoGpuProbe(String reason) implements GpuProbe {
    public NoGpuProbe {
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public boolean available() {
        return false;
    }

    @Override
    public List<GpuInfo> devices() {
        return List.of();
    }

    @Override
    public Optional<String> driverVersion() {
        return Optional.empty();
    }

    @Override
    public Optional<String> runtimeVersion() {
        return Optional.empty();
    }

    @Override
    public String description() {
        return "no GPU, so headwise runs on the CPU (normal on a machine without an NVIDIA GPU): " + reason;
    }
}
