package dev.headwise.model;

import dev.headwise.nativ.kernels.Int8LinearKernel;
import dev.headwise.nativ.kernels.PackedLinearKernel;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.lang.foreign.MemorySegment;

/**
 * A Linear's product from a lower-precision copy of its weight, made once when an inference model is loaded
 * ({@link TextClassifier#reducePrecision}): {@code act(x W^T + b) + residual}, x (..., in) fp32 and
 * contiguous, y (..., out) fp32.
 */
interface ReducedProduct {
    /** residual: laid out as y, or null for none. */
    Tensor forward(Tensor x, PackedLinearKernel.Epilogue act, Tensor residual);

    /** W (out, in) quantized per output channel into {@code kernel}'s panels; the bias stays fp32. */
    static ReducedProduct int8(Int8LinearKernel kernel, Tensor weight, Tensor bias) {
        long out = weight.size(0), in = weight.size(1);
        Tensor w = weight.contiguous();
        MemorySegment packed = kernel.allocatePacked(out, in);
        kernel.pack(address(w).reinterpret(out * in * Float.BYTES), out, in, packed);
        return (x, act, residual) -> {
            long[] shape = Tensors.shape(x);
            shape[shape.length - 1] = out;
            Tensor y = x.new_empty(shape);                                                   // (..., out)
            kernel.linear(address(x), x.numel() / in, in, packed, address(bias),
                    residual == null ? MemorySegment.NULL : address(residual), address(y), out, act,
                    torch.get_num_threads());
            return y;
        };
    }

    /**
     * W in bf16; each call rounds x to bf16 and multiplies in libtorch, which accumulates in fp32 (oneDNN on
     * AVX512-BF16 or AMX); the bias, activation and residual are applied in fp32 to the product's output.
     */
    static ReducedProduct bf16(Tensor weight, Tensor bias) {
        Tensor w = weight.to(torch.ScalarType.BFloat16);                                     // (out, in)
        return (x, act, residual) -> {
            Tensor y = torch.linear(x.to(torch.ScalarType.BFloat16), w, new TensorOptional())
                    .to(torch.ScalarType.Float).add_(bias);                                 // (..., out)
            y = switch (act) {
                case NONE -> y;
                case GELU -> torch.gelu(y);
                case RELU -> torch.relu_(y);
            };
            return residual == null ? y : y.add_(residual);
        };
    }

    private static MemorySegment address(Tensor t) {
        return MemorySegment.ofAddress(t.data_ptr().address());
    }
}
