package dev.headwise.bench;

import ai.onnxruntime.OrtException;

/** One forward pass of an inference engine on inputs built beforehand: the unit the latency benchmarks time. */
interface EngineCall extends AutoCloseable {
    void call() throws OrtException;

    /** Frees the inputs (not the model or session, which the caller owns). */
    @Override
    void close();
}
