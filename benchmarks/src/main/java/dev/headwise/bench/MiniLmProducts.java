package dev.headwise.bench;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.lang.foreign.MemorySegment;

/**
 * The Linear products of MiniLM's six layers, in forward order, for the product benchmarks: each product's
 * (out, in), and one input and one output tensor per width at a given number of rows, which every product of
 * that width reads or overwrites in place.
 */
final class MiniLmProducts {
    static final int LAYERS = 6;
    static final int HIDDEN = 384;
    static final int FFN = 1536;
    /** (out, in) of a layer's products in forward order: q, k, v, attention output, feed-forward in and out. */
    private static final int[][] LAYER = {{HIDDEN, HIDDEN}, {HIDDEN, HIDDEN}, {HIDDEN, HIDDEN}, {HIDDEN, HIDDEN},
            {FFN, HIDDEN}, {HIDDEN, FFN}};
    /** The number of products, all layers. */
    static final int COUNT = LAYERS * LAYER.length;

    private final Tensor hidden;
    private final Tensor wide;
    private final Tensor out;
    private final Tensor outWide;

    MiniLmProducts(int rows) {
        hidden = torch.randn(rows, HIDDEN);
        wide = torch.randn(rows, FFN);
        out = torch.empty(rows, HIDDEN);
        outWide = torch.empty(rows, FFN);
    }

    static int out(int product) {
        return LAYER[product % LAYER.length][0];
    }

    static int in(int product) {
        return LAYER[product % LAYER.length][1];
    }

    /** The input product i reads: (rows, in). */
    Tensor x(int product) {
        return in(product) == FFN ? wide : hidden;
    }

    /** The output product i writes: (rows, out). */
    Tensor y(int product) {
        return out(product) == FFN ? outWide : out;
    }

    static MemorySegment address(Tensor t) {
        return MemorySegment.ofAddress(t.data_ptr().address());
    }
}
