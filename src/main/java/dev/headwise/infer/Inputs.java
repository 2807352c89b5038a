package dev.headwise.infer;

import dev.headwise.model.ModelInput;
import dev.headwise.nativ.tensor.FfmTensorWriter;
import dev.headwise.nativ.tensor.TensorWriter;
import dev.headwise.tokenize.Encoding;
import org.bytedeco.pytorch.Device;

import java.util.List;

/** Pads encoded texts into one model input: ids, mask and token types (B, T), T the longest text. */
public final class Inputs {
    private static final TensorWriter WRITER = new FfmTensorWriter();

    private Inputs() {}

    public static ModelInput pad(List<Encoding> encodings, int padId, Device device) {
        int b = encodings.size();
        int t = encodings.stream().mapToInt(e -> e.ids().length).max().orElse(0);
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        long[] types = new long[b * t];
        boolean anyType = false;
        java.util.Arrays.fill(ids, padId);
        for (int i = 0; i < b; i++) {
            int[] e = encodings.get(i).ids();
            int[] ty = encodings.get(i).typeIds();
            for (int j = 0; j < e.length; j++) {
                ids[i * t + j] = e[j];
                mask[i * t + j] = 1;
                types[i * t + j] = ty[j];
                anyType |= ty[j] != 0;
            }
        }
        long[] shape = {b, t};
        return new ModelInput(WRITER.longs(ids, shape, device), WRITER.longs(mask, shape, device),
                anyType ? WRITER.longs(types, shape, device) : null, null);
    }
}
