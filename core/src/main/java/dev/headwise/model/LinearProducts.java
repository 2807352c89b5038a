package dev.headwise.model;

import dev.headwise.HeadwiseException;
import dev.headwise.ffm.kernels.Int8LinearKernel;
import dev.headwise.ffm.kernels.PackedLinearKernel;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.function.Predicate;

/** The products of {@link LinearBackend}'s backends. */
final class LinearProducts {
    private LinearProducts() {}

    /** The reference backend, one instance (a model's layers can tell it from the others). */
    static final LinearBackend REFERENCE = LinearProducts::reference;

    /** One libtorch op for each step; serves every product. */
    static LinearBackend.Product reference(Tensor weight, Tensor bias) {
        return (x, act, residual) -> {
            Tensor y = torch.linear(x, weight, new TensorOptional(bias));
            y = switch (act) {
                case NONE -> y;
                case GELU -> torch.gelu(y);
                case RELU -> torch.relu(y);
            };
            return residual == null ? y : y.add(residual);
        };
    }

    static LinearBackend.Product packed(PackedLinearKernel kernel, long maxRows, Tensor weight, Tensor bias) {
        if (!weight.is_cpu() || !isFloat(weight)) return null;
        long out = weight.size(0), in = weight.size(1);
        MemorySegment panels = kernel.allocatePacked(out, in);
        long maxElements = maxRows > Long.MAX_VALUE / in ? Long.MAX_VALUE : maxRows * in;
        Runnable pack = packing(kernel::pack, weight, panels);
        pack.run();
        return new FromCopy(x -> x.numel() <= maxElements && x.is_cpu() && withoutAutograd(x, weight), pack,
                onKernel(kernel::linear, panels, weight, bias));
    }

    static LinearBackend.Product int8(Int8LinearKernel kernel, Tensor weight, Tensor bias) {
        if (!weight.is_cpu()) throw new HeadwiseException("int8 inference runs on the CPU only.");
        long out = weight.size(0), in = weight.size(1);
        MemorySegment packed = kernel.allocatePacked(out, in);
        Runnable pack = packing(kernel::pack, weight, packed);
        pack.run();
        return new FromCopy(x -> x.is_cpu() && withoutAutograd(x, weight), pack,
                onKernel(kernel::linear, packed, weight, bias));
    }

    static LinearBackend.Product bf16(Tensor weight, Tensor bias) {
        Tensor w;
        try (var noGrad = new NoGradGuard()) {
            w = weight.to(torch.ScalarType.BFloat16);                                        // (out, in)
        }
        Tensors.outlivingScope(w);  // it lives with the product, whichever scope binds it
        return new FromCopy(x -> x.device().equals(weight.device()) && withoutAutograd(x, weight), () -> {
            try (var noGrad = new NoGradGuard()) {
                w.copy_(weight);
            }
        }, (x, act, residual) -> {
            Tensor y = torch.linear(contiguous(x).to(torch.ScalarType.BFloat16), w, new TensorOptional())
                    .to(torch.ScalarType.Float).add_(bias);                                 // (..., out)
            y = switch (act) {
                case NONE -> y;
                case GELU -> torch.gelu(y);
                case RELU -> torch.relu_(y);
            };
            return residual == null ? y : y.add_(residual);
        });
    }

    /**
     * A product from a copy of W (made at bind), for the inputs it serves; {@code copy} makes the copy again, in
     * place, before the first product it serves after W changed.
     */
    private static final class FromCopy implements LinearBackend.Product {
        private final Predicate<Tensor> serves;
        private final Runnable copy;
        private final LinearBackend.Product compute;
        private volatile boolean stale;

        FromCopy(Predicate<Tensor> serves, Runnable copy, LinearBackend.Product compute) {
            this.serves = serves;
            this.copy = copy;
            this.compute = compute;
        }

        @Override
        public Tensor forward(Tensor x, PackedLinearKernel.Epilogue act, Tensor residual) {
            if (!serves.test(x)) return null;
            if (stale) refresh();
            return compute.forward(x, act, residual);
        }

        @Override
        public void weightsChanged() {
            stale = true;
        }

        private synchronized void refresh() {
            if (stale) {
                copy.run();
                stale = false;
            }
        }
    }

    /** The packed and int8 kernels' {@code linear}: y (m, n) = act(x (m, k) W^T + bias) + residual from W packed. */
    @FunctionalInterface
    private interface KernelLinear {
        void linear(MemorySegment x, long m, long k, MemorySegment packed, MemorySegment bias, MemorySegment residual,
                    MemorySegment y, long n, PackedLinearKernel.Epilogue act, int threads);
    }

    /** The packed and int8 kernels' {@code pack}: W (n, k) row-major fp32 into {@code packed}. */
    @FunctionalInterface
    private interface KernelPack {
        void pack(MemorySegment weight, long n, long k, MemorySegment packed);
    }

    /** Packs W as it is now into {@code packed}, through a contiguous copy where W is a strided view. */
    private static Runnable packing(KernelPack kernel, Tensor weight, MemorySegment packed) {
        long out = weight.size(0), in = weight.size(1);
        return () -> {
            Tensor w = contiguous(weight);
            kernel.pack(address(w).reinterpret(out * in * Float.BYTES), out, in, packed);
            Reference.reachabilityFence(w);
        };
    }

    /** A kernel's product from W packed: x contiguous (copied where it is not), y new. */
    private static LinearBackend.Product onKernel(KernelLinear kernel, MemorySegment packed, Tensor weight, Tensor bias) {
        long out = weight.size(0), in = weight.size(1);
        return (x, act, residual) -> {
            Tensor rows = contiguous(x);
            long[] shape = Tensors.shape(rows);
            shape[shape.length - 1] = out;
            Tensor y = rows.new_empty(shape);                                               // (..., out)
            kernel.linear(address(rows), rows.numel() / in, in, packed, address(bias),
                    residual == null ? MemorySegment.NULL : address(residual), address(y), out, act,
                    torch.get_num_threads());
            return y;
        };
    }

    private static boolean withoutAutograd(Tensor x, Tensor weight) {
        return isFloat(x) && !(GradMode.is_enabled() && (x.requires_grad() || weight.requires_grad()));
    }

    private static boolean isFloat(Tensor t) {
        return t.scalar_type().value == torch.ScalarType.Float.value;  // the enum the bindings return is a copy
    }

    private static Tensor contiguous(Tensor x) {
        return x.is_contiguous() ? x : x.contiguous();
    }

    private static MemorySegment address(Tensor t) {
        return MemorySegment.ofAddress(t.data_ptr().address());
    }
}
