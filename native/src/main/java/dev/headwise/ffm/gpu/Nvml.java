package dev.headwise.ffm.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.OptionalInt;

/**
 * The NVML calls the probe needs. NVML reads memory and utilisation without creating a CUDA context,
 * which is why it is preferred over the runtime's {@code cudaMemGetInfo}. Calls need an open {@link #session()}.
 */
final class Nvml {
    private static final int NOT_SUPPORTED = 3;
    /** Larger than NVML_DEVICE_NAME_V2_BUFFER_SIZE (96) and NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE (80). */
    private static final int TEXT_BYTES = 256;

    private final NativeLibrary lib;

    Nvml(NativeLibrary lib) {
        this.lib = lib;
    }

    /** An init/shutdown pair; NVML counts them, so sessions may nest with other NVML users in the process. */
    interface Session extends AutoCloseable {
        @Override
        void close();
    }

    Session session() {
        lib.check("nvmlInit_v2");
        return () -> lib.check("nvmlShutdown");
    }

    String driverVersion() {
        try (var arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(TEXT_BYTES);
            lib.check("nvmlSystemGetDriverVersion", buf, TEXT_BYTES);
            return CStrings.read(buf);
        }
    }

    /**
     * The device with this PCI bus id. Looking devices up by bus id rather than index matters: NVML numbers
     * all GPUs by bus while CUDA orders the visible ones fastest first and honours CUDA_VISIBLE_DEVICES.
     */
    MemorySegment device(String pciBusId) {
        try (var arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(ValueLayout.ADDRESS);
            lib.check("nvmlDeviceGetHandleByPciBusId_v2", arena.allocateFrom(pciBusId), handle);
            return handle.get(ValueLayout.ADDRESS, 0);
        }
    }

    String name(MemorySegment device) {
        try (var arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(TEXT_BYTES);
            lib.check("nvmlDeviceGetName", device, buf, TEXT_BYTES);
            return CStrings.read(buf);
        }
    }

    /** Free and total bytes, from {@code nvmlMemory_t {ull total; ull free; ull used;}}. */
    long[] memoryFreeTotal(MemorySegment device) {
        try (var arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(3 * Long.BYTES, Long.BYTES);
            lib.check("nvmlDeviceGetMemoryInfo", device, memory);
            return new long[] {memory.getAtIndex(ValueLayout.JAVA_LONG, 1), memory.getAtIndex(ValueLayout.JAVA_LONG, 0)};
        }
    }

    /** GPU busy percentage from {@code nvmlUtilization_t {uint gpu; uint memory;}}; empty where unsupported. */
    OptionalInt utilization(MemorySegment device) {
        try (var arena = Arena.ofConfined()) {
            MemorySegment rates = arena.allocate(2 * Integer.BYTES, Integer.BYTES);
            int code = lib.status("nvmlDeviceGetUtilizationRates", device, rates);
            if (code == NOT_SUPPORTED) return OptionalInt.empty();
            lib.requireSuccess("nvmlDeviceGetUtilizationRates", code);
            return OptionalInt.of(rates.get(ValueLayout.JAVA_INT, 0));
        }
    }
}
