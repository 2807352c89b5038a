package dev.headwise.nativ.gpu;

/**
 * Times GPU work with CUDA events on the device's default stream, so the time is the GPU's, not the
 * time the host spent queueing kernels. Started by {@link GpuProbe#startTimer(int)}.
 */
public interface GpuTimer extends AutoCloseable {
    /** Milliseconds from the start to now on the GPU, waiting for the work queued so far to finish. */
    float elapsedMs();

    /** Releases the events. */
    @Override
    void close();
}
