package dev.headwise.weights.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Test helper: builds ONNX protobuf messages with {@link ProtoWriter}. */
final class Onnx {
    private Onnx() {
    }

    static ProtoWriter floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        return new ProtoWriter().packedVarints(1, dims).varint(2, TensorProto.FLOAT).string(8, name).bytes(9, raw.array());
    }

    static ProtoWriter float16Tensor(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putShort(Float.floatToFloat16(v));
        }
        return new ProtoWriter().packedVarints(1, dims).varint(2, TensorProto.FLOAT16).string(8, name).bytes(9, raw.array());
    }

    /** An int64 tensor stored in the typed int64_data field rather than raw_data. */
    static ProtoWriter int64Tensor(String name, long... values) {
        return new ProtoWriter().packedVarints(1, values.length).varint(2, TensorProto.INT64).string(8, name)
                .packedVarints(7, values);
    }

    static ProtoWriter node(String op, List<String> inputs, List<String> outputs, ProtoWriter... attributes) {
        ProtoWriter n = new ProtoWriter();
        inputs.forEach(i -> n.string(1, i));
        outputs.forEach(o -> n.string(2, o));
        n.string(3, "/" + op + "_" + outputs.getFirst()).string(4, op);
        for (ProtoWriter a : attributes) {
            n.message(5, a);
        }
        return n;
    }

    static ProtoWriter intAttr(String name, long value) {
        return new ProtoWriter().string(1, name).varint(3, value).varint(20, 2);
    }

    static ProtoWriter floatAttr(String name, float value) {
        return new ProtoWriter().string(1, name).fixed32(2, value).varint(20, 1);
    }

    static ProtoWriter intsAttr(String name, long... values) {
        return new ProtoWriter().string(1, name).packedVarints(8, values).varint(20, 7);
    }

    static ProtoWriter tensorAttr(String name, ProtoWriter tensor) {
        return new ProtoWriter().string(1, name).message(5, tensor).varint(20, 4);
    }

    static ProtoWriter valueInfo(String name) {
        return new ProtoWriter().string(1, name);
    }

    static byte[] model(List<ProtoWriter> nodes, List<ProtoWriter> initializers, List<String> inputs, List<String> outputs) {
        ProtoWriter g = new ProtoWriter();
        nodes.forEach(n -> g.message(1, n));
        g.string(2, "test_graph");
        initializers.forEach(t -> g.message(5, t));
        inputs.forEach(i -> g.message(11, valueInfo(i)));
        outputs.forEach(o -> g.message(12, valueInfo(o)));
        return new ProtoWriter().varint(1, 8).string(2, "headwise-test").message(7, g)
                .message(8, new ProtoWriter().string(1, "").varint(2, 14)).toByteArray();
    }
}
