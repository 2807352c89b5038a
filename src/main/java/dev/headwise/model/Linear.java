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
 * Through libtorch's {@code linear}, except for a few rows on CPU without autograd (batch-1 inference), which
 * go to {@link PackedLinearKernel} with a copy of W packed on first use and repacked after W changes.
 * Changing W while another thread runs a forward through it is a data race either way.
 */
final class Linear {
    /**
     * Rows up to which the packed kernel is used. Against MKL's sgemm called as libtorch calls it, MiniLM's six
     * products cycled as in a forward on a 2-core Xeon: 0.5x the time at 16 rows, 0.7x at 64, 0.8x at 128,
     * 0.9x at 256, 0.95x at 512, 1.1x at 2,048 (docs/performance.md).
     */
    static final long PACKED_MAX_ROWS = 256;
    /** {@code -Dheadwise.packedLinear=false} keeps every product on libtorch (to compare, or on a suspect CPU). */
    static final boolean PACKED_ENABLED = !"false".equals(System.getProperty("headwise.packedLinear"));
    private static final Optional<PackedLinearKernel> KERNEL = PACKED_ENABLED ? PackedLinearKernel.get() : Optional.empty();

    private final Tensor weight;
    private final Tensor bias;
    private volatile Packed packed;  // written under this

    /** W packed, and the version of W it was packed from. */
    private record Packed(MemorySegment panels, long version) {}

    Linear(Tensor weight, Tensor bias) {
        this.weight = weight;
        this.bias = bias;
    }

    Tensor weight() {
        return weight;
    }

    Tensor bias() {
        return bias;
    }

    Tensor forward(Tensor x) {
        return usesPackedKernel(x) ? forwardPacked(KERNEL.orElseThrow(), x, PackedLinearKernel.Activation.NONE)
                : torch.linear(x, weight, new TensorOptional(bias));
    }

    /** act(x W^T + b); the packed kernel applies GELU and ReLU as it stores each output. */
    Tensor forward(Tensor x, Activation act) {
        PackedLinearKernel.Activation fused = switch (act) {
            case GELU -> PackedLinearKernel.Activation.GELU;
            case RELU -> PackedLinearKernel.Activation.RELU;
            case GELU_TANH -> null;
        };
        return fused != null && usesPackedKernel(x) ? forwardPacked(KERNEL.orElseThrow(), x, fused)
                : act.apply(forward(x));
    }

    /** True where {@link #forward} takes the packed kernel for x. */
    boolean usesPackedKernel(Tensor x) {
        return KERNEL.isPresent() && x.numel() <= PACKED_MAX_ROWS * weight.size(1)
                && x.is_cpu() && isFloat(x) && weight.is_cpu() && isFloat(weight)
                && !(GradMode.is_enabled() && (x.requires_grad() || weight.requires_grad()));
    }

    private static boolean isFloat(Tensor t) {
        return t.scalar_type().value == torch.ScalarType.Float.value;  // the enum the bindings return is a copy
    }

    private Tensor forwardPacked(PackedLinearKernel kernel, Tensor x, PackedLinearKernel.Activation act) {
        long n = weight.size(0);
        long k = weight.size(1);
        Tensor in = x.is_contiguous() ? x : x.contiguous();
        long[] shape = Tensors.shape(in);
        shape[shape.length - 1] = n;
        Tensor y = in.new_empty(shape);                                                     // (..., n)
        kernel.linear(address(in), in.numel() / k, k, packed(kernel).panels(), address(bias), address(y), n, act,
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
            long n = weight.size(0);
            long k = weight.size(1);
            MemorySegment panels = packed != null ? packed.panels() : kernel.allocatePacked(n, k);
            Tensor w = weight.is_contiguous() ? weight : weight.contiguous();
            kernel.pack(address(w).reinterpret(n * k * Float.BYTES), n, k, panels);
            packed = new Packed(panels, version);
        }
        return packed;
    }

    private static MemorySegment address(Tensor t) {
        return MemorySegment.ofAddress(t.data_ptr().address());
    }
}
