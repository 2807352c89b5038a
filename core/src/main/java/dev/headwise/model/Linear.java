package dev.headwise.model;

import dev.headwise.ffm.kernels.PackedLinearKernel;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * y = x W^T + b, with W stored (out, in) as in PyTorch checkpoints, computed by the model's
 * {@link LinearBackend}: its product where it serves x, else libtorch's. Binding a backend while another thread
 * runs a forward through the layer is safe (a forward reads one product); changing W meanwhile is a data race.
 */
final class Linear implements BackendLayer {
    private final Tensor weight;
    private final Tensor bias;
    private final long outFeatures;
    private final long inFeatures;
    private final LinearBackend.Product reference;
    private volatile LinearBackend.Product product;  // the model's backend bound to W; null where it serves nothing

    Linear(Tensor weight, Tensor bias) {
        this.weight = weight;
        this.bias = bias;
        this.outFeatures = weight.size(0);
        this.inFeatures = weight.size(1);
        this.reference = LinearBackend.libtorch().bind(weight, bias);
        this.product = reference;
    }

    Tensor weight() {
        return weight;
    }

    Tensor bias() {
        return bias;
    }

    Tensor forward(Tensor x) {
        return product(x, PackedLinearKernel.Epilogue.NONE, null);
    }

    /** act(x W^T + b); a backend may apply GELU and ReLU as it stores each output. */
    Tensor forward(Tensor x, Activation act) {
        PackedLinearKernel.Epilogue fused = switch (act) {
            case GELU -> PackedLinearKernel.Epilogue.GELU;
            case RELU -> PackedLinearKernel.Epilogue.RELU;
            case GELU_TANH -> null;
        };
        return fused != null ? product(x, fused, null) : act.apply(forward(x));
    }

    /**
     * x W^T + b + residual in one product where the backend adds the residual as it stores (one pass fewer
     * over the activations): a sublayer's last projection joining its skip connection ({@link Residual}).
     */
    Tensor forwardAdding(Tensor x, Tensor residual) {
        boolean fits = residual.is_contiguous() && residual.scalar_type().value == torch.ScalarType.Float.value
                && residual.numel() == x.numel() / inFeatures * outFeatures;
        return fits ? product(x, PackedLinearKernel.Epilogue.NONE, residual) : forward(x).add(residual);
    }

    /** Makes this layer's products {@code backend}'s, bound to W as it is now. */
    @Override
    public void use(LinearBackend backend) {
        product = backend.bind(weight, bias);
    }

    /** W changed in place: the product's copy of it, if any, is made again before its next use. */
    @Override
    public void weightsChanged() {
        LinearBackend.Product p = product;
        if (p != null) p.weightsChanged();
    }

    private Tensor product(Tensor x, PackedLinearKernel.Epilogue act, Tensor residual) {
        LinearBackend.Product p = product;
        Tensor y = p == null ? null : p.forward(x, act, residual);
        return y != null ? y : reference.forward(x, act, residual);
    }
}
