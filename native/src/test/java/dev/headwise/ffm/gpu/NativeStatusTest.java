package dev.headwise.ffm.gpu;

import dev.headwise.HeadwiseException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NativeStatusTest {
    @Test
    void successPassesWithoutAskingForAName() {
        assertDoesNotThrow(() -> NativeStatus.check("cudaGetDeviceCount", 0, code -> {
            throw new AssertionError("no name needed for success");
        }));
    }

    @Test
    void failureNamesTheCallTheCodeAndTheLibrarysNameForIt() {
        var e = assertThrows(HeadwiseException.class,
                () -> NativeStatus.check("cudaGetDeviceCount", 100, code -> code == 100 ? "cudaErrorNoDevice" : "?"));
        assertEquals("cudaGetDeviceCount failed with error 100 (cudaErrorNoDevice).", e.getMessage());
    }

    @Test
    void aBrokenOrSilentNameLookupStillReportsTheCode() {
        var failing = assertThrows(HeadwiseException.class, () -> NativeStatus.check("nvmlInit_v2", 9, code -> {
            throw new IllegalStateException("nvmlErrorString missing");
        }));
        assertEquals("nvmlInit_v2 failed with error 9.", failing.getMessage());

        var blank = assertThrows(HeadwiseException.class, () -> NativeStatus.check("nvmlInit_v2", -1, code -> ""));
        assertEquals("nvmlInit_v2 failed with error -1.", blank.getMessage());
    }
}
