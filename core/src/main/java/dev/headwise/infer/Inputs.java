package dev.headwise.infer;

import dev.headwise.model.ModelInput;
import dev.headwise.ffm.tensor.FfmTensorWriter;
import dev.headwise.ffm.tensor.TensorWriter;
import dev.headwise.tokenize.Encoding;
import dev.headwise.tokenize.Padding;
import org.bytedeco.pytorch.Device;

import java.util.List;

/** Pads encoded texts into one model input: ids, mask and token types (B, T), T the longest text. */
public final class Inputs {
    private static final TensorWriter WRITER = new FfmTensorWriter();

    private Inputs() {}

    /** The texts padded on the side {@code padding} says; token types are left out when the texts' are all 0. */
    public static ModelInput pad(List<Encoding> encodings, Padding padding, Device device) {
        int b = encodings.size();
        int t = encodings.stream().mapToInt(Encoding::length).max().orElse(0);
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        long[] types = new long[b * t];
        java.util.Arrays.fill(ids, padding.id());
        java.util.Arrays.fill(types, padding.typeId());
        boolean anyType = false;
        for (int i = 0; i < b; i++) {
            int[] e = encodings.get(i).ids();
            int[] ty = encodings.get(i).typeIds();
            int start = i * t + padding.start(e.length, t);
            for (int j = 0; j < e.length; j++) {
                ids[start + j] = e[j];
                mask[start + j] = 1;
                types[start + j] = ty[j];
                anyType |= ty[j] != 0;
            }
        }
        long[] shape = {b, t};
        return new ModelInput(WRITER.longs(ids, shape, device), WRITER.longs(mask, shape, device),
                anyType ? WRITER.longs(types, shape, device) : null, null);
    }
}
