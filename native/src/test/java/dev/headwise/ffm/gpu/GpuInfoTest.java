package dev.headwise.ffm.gpu;

import dev.headwise.HeadwiseException;
import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GpuInfoTest {
    @Test
    void computeCapabilityReadsAsCudaWritesIt() {
        var info = new GpuInfo(0, "NVIDIA A10", 8, 6, 24L << 30, 20L << 30, OptionalInt.of(3));
        assertEquals("8.6", info.computeCapability());
    }

    @Test
    void negativePropertiesAreRejected() {
        assertThrows(HeadwiseException.class, () -> new GpuInfo(0, "x", 8, 0, -1, 0, OptionalInt.empty()));
        assertThrows(HeadwiseException.class, () -> new GpuInfo(-1, "x", 8, 0, 1, 0, OptionalInt.empty()));
    }

    @Test
    void cudaVersionNumbersDecode() {
        assertEquals("12.4", CudaRuntime.version(12040));
        assertEquals("11.8", CudaRuntime.version(11080));
        assertEquals("13.0", CudaRuntime.version(13000));
    }
}
