package dev.headwise.model;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Linears over the same input (attention's query, key and value) computed as one product of their weights
 * stacked, where a backend other than libtorch's serves them without autograd: one pass over x (one
 * quantization of it, for int8) and one parallel region instead of one each. The stacked weights are a copy,
 * made when a backend is bound and again after the weights change; with autograd, or on libtorch alone,
 * each Linear computes its own product from the parameters.
 */
final class StackedLinear implements BackendLayer {
    private final Linear[] parts;
    private volatile Linear stacked;  // the parts' weights and biases stacked, on the model's backend; null on libtorch
    private volatile boolean stale;   // the parts' weights changed since the stacked copy was made

    StackedLinear(Linear... parts) {
        this.parts = parts.clone();
    }

    @Override
    public void use(LinearBackend backend) {
        if (backend == LinearBackend.libtorch()) {
            stacked = null;
            return;
        }
        Tensor[] weights = new Tensor[parts.length], biases = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) {
            weights[i] = parts[i].weight();
            biases[i] = parts[i].bias();
        }
        Tensor w, b;
        try (var noGrad = new NoGradGuard()) {
            w = torch.cat(new TensorVector(weights), 0);                                     // (sum out, in)
            b = torch.cat(new TensorVector(biases), 0);                                      // (sum out)
        }
        Tensors.outlivingScope(w);  // they live with the model, whichever scope binds it
        Tensors.outlivingScope(b);
        Linear l = new Linear(w, b);
        l.use(backend);
        stale = false;
        stacked = l;
    }

    /** Marks the stacked copy stale; it is made again before the next product it serves, not on every step. */
    @Override
    public void weightsChanged() {
        stale = true;
    }

    private synchronized void refresh(Linear l) {
        if (!stale) return;
        try (var noGrad = new NoGradGuard()) {
            long row = 0;
            for (Linear p : parts) {
                long out = p.weight().size(0);
                l.weight().narrow(0, row, out).copy_(p.weight());
                l.bias().narrow(0, row, out).copy_(p.bias());
                row += out;
            }
        }
        l.weightsChanged();
        stale = false;
    }

    /**
     * Each part's {@code x W^T + b}, in order: views of one product's output (..., sum out), each (..., out);
     * null where there is no stacked copy or autograd needs the parameters' own products.
     */
    Tensor[] forward(Tensor x) {
        Linear l = stacked;
        if (l == null || GradMode.is_enabled() && (x.requires_grad() || parts[0].weight().requires_grad())) return null;
        if (stale) refresh(l);
        Tensor y = l.forward(x);                                                             // (..., sum out)
        Tensor[] each = new Tensor[parts.length];
        long column = 0;
        for (int i = 0; i < parts.length; i++) {
            long out = parts[i].weight().size(0);
            each[i] = y.narrow(-1, column, out);                                             // (..., out)
            column += out;
        }
        return each;
    }
}
