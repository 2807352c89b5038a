package dev.headwise.model;

import dev.headwise.nativ.kernels.PackedLinearKernel;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * y = x W^T + b, with W stored (out, in) as in PyTorch checkpoints.
 * <p>
 * Through libtorch's {@code linear}, except for a few rows on CPU without autograd (small-batch inference),
 * which go to {@link PackedLinearKernel} with a copy of W packed on first use (or by {@link #pack}) and
 * packed again after W changes. Changing W while another thread runs a forward through it is a data race
 * either way. An inference model's forwards may instead take a {@link ReducedProduct} (int8 or bf16) made
 * from W at load ({@link #reduce}).
 */
final class Linear {
    /**
     * Rows up to which the packed kernel is used: {@code -Dheadwise.packedLinear.maxRows}, which the launcher
     * sets to the crossover {@code headwise calibrate} measured against this process's BLAS, else 256 (a
     * crossover measured against MKL by {@code headwise calibrate}; docs/performance.md, decision log).
     */
    static final long PACKED_MAX_ROWS = Long.getLong("headwise.packedLinear.maxRows", 256);
    /** {@code -Dheadwise.packedLinear=false} keeps every product on libtorch (to compare, or on a suspect CPU). */
    private static final Optional<PackedLinearKernel> KERNEL =
            "false".equals(System.getProperty("headwise.packedLinear")) ? Optional.empty() : PackedLinearKernel.get();

    private final Tensor weight;
    private final Tensor bias;
    private final long outFeatures;
    private final long inFeatures;
    /** The weight's device and dtype never change, so whether the kernel could serve it is known up front. */
    private final boolean kernelFits;
    private volatile Packed packed;  // written under this
    private volatile ReducedProduct reduced;

    /** W packed, and the version of W it was packed from. */
    private record Packed(MemorySegment panels, long version) {}

    Linear(Tensor weight, Tensor bias) {
        this.weight = weight;
        this.bias = bias;
        this.outFeatures = weight.size(0);
        this.inFeatures = weight.size(1);
        this.kernelFits = KERNEL.isPresent() && weight.is_cpu() && isFloat(weight);
    }

    Tensor weight() {
        return weight;
    }

    Tensor bias() {
        return bias;
    }

    Tensor forward(Tensor x) {
        ReducedProduct r = reducedFor(x);
        if (r != null) return r.forward(contiguous(x), PackedLinearKernel.Epilogue.NONE, null);
        return usesPackedKernel(x) ? forwardPacked(x, PackedLinearKernel.Epilogue.NONE, null)
                : torch.linear(x, weight, new TensorOptional(bias));
    }

    /** act(x W^T + b); the packed kernel applies GELU and ReLU as it stores each output. */
    Tensor forward(Tensor x, Activation act) {
        PackedLinearKernel.Epilogue fused = switch (act) {
            case GELU -> PackedLinearKernel.Epilogue.GELU;
            case RELU -> PackedLinearKernel.Epilogue.RELU;
            case GELU_TANH -> null;
        };
        ReducedProduct r = reducedFor(x);
        if (fused != null && r != null) return r.forward(contiguous(x), fused, null);
        return fused != null && usesPackedKernel(x) ? forwardPacked(x, fused, null) : act.apply(forward(x));
    }

    /**
     * residual + drop(x W^T + b), a block's sublayer output joining its skip connection; the packed kernel
     * adds the residual as it stores, when there is no dropout to apply first.
     */
    Tensor forward(Tensor x, Tensor residual, Dropout drop, double p) {
        boolean dropping = drop != Dropout.OFF && p > 0;
        ReducedProduct r = reducedFor(x);
        if (!dropping && r != null && fitsAsResidual(x, residual)) return r.forward(contiguous(x), PackedLinearKernel.Epilogue.NONE, residual);
        if (!dropping && usesPackedKernel(x) && fitsAsResidual(x, residual)) {
            return forwardPacked(x, PackedLinearKernel.Epilogue.NONE, residual);
        }
        Tensor y = forward(x);
        return (dropping ? drop.apply(y, p) : y).add(residual);
    }

    /** Packs W for the kernel now, if the kernel could serve it, rather than on first use. */
    void pack() {
        if (kernelFits && reduced == null) packed(KERNEL.orElseThrow());
    }

    /**
     * Makes forwards without autograd take {@code product} (made from this W, on W's device) instead of the
     * fp32 product; null goes back to fp32. A W changed later is not seen by the product.
     */
    void reduce(ReducedProduct product) {
        reduced = product;
        if (product != null) packed = null;  // the fp32 panels are no longer read
    }

    private ReducedProduct reducedFor(Tensor x) {
        ReducedProduct r = reduced;
        return r != null && isFloat(x) && x.device().equals(weight.device())
                && !(GradMode.is_enabled() && (x.requires_grad() || weight.requires_grad())) ? r : null;
    }

    private boolean fitsAsResidual(Tensor x, Tensor residual) {
        return residual.is_contiguous() && isFloat(residual) && residual.numel() == x.numel() / inFeatures * outFeatures;
    }

    private static Tensor contiguous(Tensor x) {
        return x.is_contiguous() ? x : x.contiguous();
    }

    /** True where {@link #forward} takes the packed kernel for x. */
    boolean usesPackedKernel(Tensor x) {
        return kernelFits && x.numel() <= PACKED_MAX_ROWS * inFeatures && x.is_cpu() && isFloat(x)
                && !(GradMode.is_enabled() && (x.requires_grad() || weight.requires_grad()));
    }

    private static boolean isFloat(Tensor t) {
        return t.scalar_type().value == torch.ScalarType.Float.value;  // the enum the bindings return is a copy
    }

    private Tensor forwardPacked(Tensor x, PackedLinearKernel.Epilogue act, Tensor residual) {
        PackedLinearKernel kernel = KERNEL.orElseThrow();
        Tensor in = x.is_contiguous() ? x : x.contiguous();
        long[] shape = Tensors.shape(in);
        shape[shape.length - 1] = outFeatures;
        Tensor y = in.new_empty(shape);                                                     // (..., out)
        kernel.linear(address(in), in.numel() / inFeatures, inFeatures, packed(kernel).panels(), address(bias),
                residual == null ? MemorySegment.NULL : address(residual), address(y), outFeatures, act,
                torch.get_num_threads());
        return y;
    }

    private Packed packed(PackedLinearKernel kernel) {
        // Tensors made under InferenceMode carry no version; nothing outside it can change them in place.
        long version = weight.is_inference() ? -1 : weight._version();
        Packed current = packed;
        return current != null && current.version() == version ? current : repack(kernel, version);
    }

    private synchronized Packed repack(PackedLinearKernel kernel, long version) {
        if (packed == null || packed.version() != version) {
            MemorySegment panels = packed != null ? packed.panels() : kernel.allocatePacked(outFeatures, inFeatures);
            Tensor w = weight.is_contiguous() ? weight : weight.contiguous();
            kernel.pack(address(w).reinterpret(outFeatures * inFeatures * Float.BYTES), outFeatures, inFeatures, panels);
            packed = new Packed(panels, version);
        }
        return packed;
    }

    private static MemorySegment address(Tensor t) {
        return MemorySegment.ofAddress(t.data_ptr().address());
    }
}
