package dev.headwise.ffm.tensor;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

/**
 * Turns batches built in Java as flat row-major arrays (input ids, attention masks, token types) into
 * libtorch int64 tensors. New tensors belong to the caller's innermost {@code PointerScope}, if any.
 * Bad shapes or targets end in {@link dev.headwise.HeadwiseException}.
 */
public interface TensorWriter {
    /** A new int64 tensor of {@code shape} on {@code device} holding {@code values}. */
    Tensor longs(long[] values, long[] shape, Device device);

    /** As {@link #longs}, widening each value to int64 (the tokenized corpus stores ints). */
    Tensor ints(int[] values, long[] shape, Device device);

    /** Overwrites every element of an existing int64 tensor, on any device, in row-major order. */
    void fill(Tensor target, long[] values);

    /** As {@link #fill(Tensor, long[])}, widening each value to int64. */
    void fill(Tensor target, int[] values);
}
