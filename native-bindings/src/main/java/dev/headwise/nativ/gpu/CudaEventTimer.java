package dev.headwise.nativ.gpu;

import java.lang.foreign.MemorySegment;

/** A start event recorded at creation and an end event recorded at each reading. */
final class CudaEventTimer implements GpuTimer {
    private final CudaRuntime cuda;
    private final int device;
    private final MemorySegment start;
    private final MemorySegment end;

    /** Makes {@code device} current for the calling thread, as libtorch does for work on it. */
    CudaEventTimer(CudaRuntime cuda, int device) {
        this.cuda = cuda;
        this.device = device;
        cuda.setDevice(device);
        this.start = cuda.createEvent();
        MemorySegment created = null;
        try {
            created = cuda.createEvent();
            cuda.recordEvent(start);
        } catch (RuntimeException e) {
            cuda.destroyEvent(start);
            if (created != null) cuda.destroyEvent(created);
            throw e;
        }
        this.end = created;
    }

    @Override
    public float elapsedMs() {
        cuda.setDevice(device); // events must be recorded on their own device's stream
        cuda.recordEvent(end);
        cuda.synchronizeEvent(end);
        return cuda.elapsedMs(start, end);
    }

    @Override
    public void close() {
        cuda.destroyEvent(start);
        cuda.destroyEvent(end);
    }
}
