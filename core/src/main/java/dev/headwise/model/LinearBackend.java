package dev.headwise.model;

import dev.headwise.HeadwiseException;
import dev.headwise.ffm.kernels.Int8LinearKernel;
import dev.headwise.ffm.kernels.PackedLinearKernel;
import org.bytedeco.pytorch.Tensor;

/**
 * How a model's Linear layers compute {@code y = act(x W^T + b) + residual}, chosen per model
 * ({@link TextClassifier#useLinearBackend}) and bound to each layer's weight once. {@link #libtorch()} is the
 * reference and serves every product; the others serve what they can (CPU, fp32 inputs, no autograd) from a
 * copy of W made when they are bound, and leave the rest to the reference. A copy does not follow W by
 * itself: whoever changes the weights says so ({@link TextClassifier#weightsChanged}), and it is made again,
 * in place, before the next product it serves.
 */
public interface LinearBackend {
    /**
     * This backend's product for a layer with weight W (out, in) and bias b (out), any copy of W made now;
     * null where it serves none of the layer's products (a weight off the CPU, for the packed kernel).
     */
    Product bind(Tensor weight, Tensor bias);

    /** One layer's product. */
    interface Product {
        /**
         * act(x W^T + b) + residual: x (..., in); residual null for none, else contiguous fp32 laid out as y
         * (..., out). Null where this product does not serve x, for the reference to compute.
         */
        Tensor forward(Tensor x, PackedLinearKernel.Epilogue act, Tensor residual);

        /** W changed in place: a copy of it is to be made again before it serves another product. */
        default void weightsChanged() {}
    }

    /** libtorch's {@code linear} (the BLAS's matrix product), then the activation and the residual as ops of their own. */
    static LinearBackend libtorch() {
        return LinearProducts.REFERENCE;
    }

    /**
     * headwise's packed fp32 kernel for products of up to {@code maxRows} rows on an fp32 CPU weight (W packed
     * into the kernel's panels at bind, which takes as much memory again), the activation and residual applied
     * as it stores; libtorch for larger products, where the BLAS is faster.
     */
    static LinearBackend packed(PackedLinearKernel kernel, long maxRows) {
        if (maxRows < 0) throw new IllegalArgumentException("maxRows must be >= 0, got " + maxRows);
        return (weight, bias) -> LinearProducts.packed(kernel, maxRows, weight, bias);
    }

    /**
     * headwise's int8 kernel on the CPU: W quantized per output channel at bind (the bias stays fp32), each
     * input row per call. Training forwards (autograd) stay on the reference.
     */
    static LinearBackend int8(Int8LinearKernel kernel) {
        return (weight, bias) -> LinearProducts.int8(kernel, weight, bias);
    }

    /**
     * W in bf16 (made at bind); each call rounds x to bf16 and multiplies in libtorch, which accumulates in
     * fp32 (oneDNN on AVX512-BF16 or AMX); the bias, activation and residual are applied in fp32 to the
     * product's output. Training forwards (autograd) stay on the reference.
     */
    static LinearBackend bf16() {
        return LinearProducts::bf16;
    }

    /**
     * The backend a model loaded for inference runs in {@code precision} (as {@link InferencePrecision#onCpu}
     * chose it): the int8 kernel, bf16 products, or for FP32 the packed kernel where this CPU runs it, up to
     * {@code -Dheadwise.packedLinear.maxRows} rows (256 unless set; the launcher sets what {@code headwise
     * calibrate} measured against this machine's BLAS), or libtorch alone with {@code -Dheadwise.packedLinear=false}
     * or no kernel. The properties are read here, once per model loaded.
     */
    static LinearBackend forInference(InferencePrecision precision) {
        return switch (precision) {
            case INT8 -> int8(Int8LinearKernel.get().orElseThrow(() -> new HeadwiseException(
                    "int8 inference needs a CPU with AVX2 or VNNI, and headwise's kernel library (linux-x86_64).")));
            case BF16 -> bf16();
            case FP32 -> "false".equals(System.getProperty("headwise.packedLinear")) ? libtorch()
                    : PackedLinearKernel.get().map(k -> packed(k, Long.getLong("headwise.packedLinear.maxRows", 256)))
                    .orElse(libtorch());
        };
    }
}
