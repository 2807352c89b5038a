package dev.headwise.weights.onnx;

import java.nio.charset.StandardCharsets;

/**
 * The parts of an ONNX {@code AttributeProto} headwise reads; absent fields are 0, empty or null.
 * Subgraph attributes are skipped, never parsed.
 */
public record OnnxAttribute(String name, float f, long i, String s, TensorProto t, long[] ints, float[] floats) {

    public OnnxAttribute {
        ints = ints.clone();
        floats = floats.clone();
    }

    @Override
    public long[] ints() {
        return ints.clone();
    }

    @Override
    public float[] floats() {
        return floats.clone();
    }

    static OnnxAttribute read(ProtoReader r) {
        String name = "";
        float f = 0;
        long i = 0;
        String s = "";
        TensorProto t = null;
        ProtoReader.LongList ints = new ProtoReader.LongList();
        ProtoReader.LongList floatBits = new ProtoReader.LongList();
        while (r.nextField()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 2 -> f = r.fixed32Float();
                case 3 -> i = r.varint();
                case 4 -> s = StandardCharsets.UTF_8.decode(r.bytes()).toString();
                case 5 -> t = TensorProto.read(r.message());
                case 7 -> r.repeatedFixed32(floatBits);
                case 8 -> r.repeatedVarint(ints);
                default -> r.skip();
            }
        }
        float[] floats = new float[floatBits.size()];
        for (int k = 0; k < floats.length; k++) {
            floats[k] = Float.intBitsToFloat((int) floatBits.get(k));
        }
        return new OnnxAttribute(name, f, i, s, t, ints.toArray(), floats);
    }
}
