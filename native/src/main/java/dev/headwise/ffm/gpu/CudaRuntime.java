package dev.headwise.ffm.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The few CUDA runtime calls the probe needs, each checked; out-parameters live in a call-local arena. */
final class CudaRuntime {
    /** {@code cudaDevAttrComputeCapabilityMajor} and {@code ...Minor} from {@code driver_types.h}. */
    private static final int ATTR_CC_MAJOR = 75;
    private static final int ATTR_CC_MINOR = 76;
    /**
     * {@code cudaDeviceProp} is about 1 KB and grows between releases; only its first field, the 256-byte
     * name, is read, so a generous buffer keeps any version from writing past it.
     */
    private static final long DEVICE_PROP_BYTES = 4096;
    private static final int PCI_BUS_ID_BYTES = 64;

    private final NativeLibrary lib;

    CudaRuntime(NativeLibrary lib) {
        this.lib = lib;
    }

    String location() {
        return lib.location();
    }

    int deviceCount() {
        return intOut("cudaGetDeviceCount");
    }

    int runtimeVersion() {
        return intOut("cudaRuntimeGetVersion");
    }

    int driverVersion() {
        return intOut("cudaDriverGetVersion");
    }

    int computeCapabilityMajor(int device) {
        return attribute(ATTR_CC_MAJOR, device);
    }

    int computeCapabilityMinor(int device) {
        return attribute(ATTR_CC_MINOR, device);
    }

    /** The bus id NVML accepts, e.g. {@code 0000:65:00.0}. */
    String pciBusId(int device) {
        try (var arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(PCI_BUS_ID_BYTES);
            lib.check("cudaDeviceGetPCIBusId", buf, PCI_BUS_ID_BYTES, device);
            return CStrings.read(buf);
        }
    }

    String name(int device) {
        // CUDA 12 renamed the struct's entry point; its header maps cudaGetDeviceProperties to the _v2 symbol.
        String function = lib.has("cudaGetDeviceProperties_v2") ? "cudaGetDeviceProperties_v2" : "cudaGetDeviceProperties";
        try (var arena = Arena.ofConfined()) {
            MemorySegment prop = arena.allocate(DEVICE_PROP_BYTES);
            lib.check(function, prop, device);
            return CStrings.read(prop.asSlice(0, 256));
        }
    }

    /**
     * Free and total bytes of {@code device}. This makes the device current, which creates its CUDA context
     * (a few hundred MB), so it is only the fallback when NVML is missing; the previous device is restored.
     */
    long[] memoryFreeTotal(int device) {
        int previous = intOut("cudaGetDevice");
        try (var arena = Arena.ofConfined()) {
            setDevice(device);
            MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
            lib.check("cudaMemGetInfo", free, total);
            return new long[] {free.get(ValueLayout.JAVA_LONG, 0), total.get(ValueLayout.JAVA_LONG, 0)};
        } finally {
            setDevice(previous);
        }
    }

    void setDevice(int device) {
        lib.check("cudaSetDevice", device);
    }

    /** CUDA's {@code 1000 * major + 10 * minor} version number as {@code major.minor}. */
    static String version(int encoded) {
        return encoded / 1000 + "." + encoded % 1000 / 10;
    }

    private int attribute(int attribute, int device) {
        try (var arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            lib.check("cudaDeviceGetAttribute", value, attribute, device);
            return value.get(ValueLayout.JAVA_INT, 0);
        }
    }

    private int intOut(String function) {
        try (var arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            lib.check(function, value);
            return value.get(ValueLayout.JAVA_INT, 0);
        }
    }
}
