package dev.headwise.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/** A BERT ONNX graph run by ONNX Runtime; its outputs stay in native memory, reading them is not timed. */
final class OrtCall implements EngineCall {
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new HashMap<>();

    /** {@code ids}: rows x seq token ids, row-major; every token attended to, token types all 0. */
    OrtCall(OrtEnvironment env, OrtSession session, long[] ids, int rows, int seq) throws OrtException {
        this.session = session;
        long[] shape = {rows, seq};
        inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
        inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(RandomTokens.fullMask(rows, seq)), shape));
        if (session.getInputNames().contains("token_type_ids")) {
            inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[rows * seq]), shape));
        }
    }

    /** A session with ONNX Runtime's default optimisations and {@code threads} intra-op threads. */
    static OrtSession session(OrtEnvironment env, byte[] onnx, int threads) throws OrtException {
        try (var options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            return env.createSession(onnx, options);
        }
    }

    @Override
    public void call() throws OrtException {
        session.run(inputs).close();
    }

    @Override
    public void close() {
        inputs.values().forEach(OnnxTensor::close);
    }
}
