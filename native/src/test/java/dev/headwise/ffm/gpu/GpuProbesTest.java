package dev.headwise.ffm.gpu;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GpuProbesTest {
    @Test
    void aMissingRuntimeGivesTheFallbackNamingWhatWasTried() {
        GpuProbe probe = GpuProbes.detect(List.of("libheadwise-no-such-cudart.so.12"), LibraryCandidates.NVML);

        var none = assertInstanceOf(NoGpuProbe.class, probe);
        assertFalse(probe.available());
        assertTrue(probe.devices().isEmpty());
        assertTrue(probe.driverVersion().isEmpty() && probe.runtimeVersion().isEmpty());
        assertTrue(none.reason().contains("libcudart.so") && none.reason().contains("libheadwise-no-such-cudart.so.12"),
                none.reason());
        assertTrue(probe.description().startsWith("no GPU, so headwise runs on the CPU"), probe.description());
        assertFalse(probe.description().contains("failed"), probe.description());
    }

    @Test
    void detectionOnThisMachineNeverThrowsAndExplainsItself() {
        GpuProbe probe = GpuProbes.detect();

        if (probe.available()) {
            assertFalse(probe.devices().isEmpty());
            probe.devices().forEach(d -> assertTrue(d.totalBytes() > 0 && d.ccMajor() > 0, d.toString()));
        } else {
            // a CPU machine: no CUDA runtime, or a runtime without a device
            String reason = assertInstanceOf(NoGpuProbe.class, probe).reason();
            assertTrue(reason.contains("libcudart") || reason.contains("no device") || reason.contains("error"), reason);
        }
    }
}
