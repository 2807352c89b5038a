package dev.headwise.weights.onnx;

import java.util.Arrays;

/**
 * A named float32 tensor in row-major order, as imported from ONNX (already in HF layout).
 *
 * @param name the HF parameter name
 * @param shape the dimensions
 * @param values row-major float32 values; {@code values.length} equals the product of {@code shape}
 */
public record OnnxTensor(String name, long[] shape, float[] values) {

    public OnnxTensor {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape)
                    + " but " + values.length + " values");
        }
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The values are shared, not copied: the tensor is large and callers only read it. */
    @Override
    public float[] values() {
        return values;
    }

    @Override
    public String toString() {
        return "OnnxTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
