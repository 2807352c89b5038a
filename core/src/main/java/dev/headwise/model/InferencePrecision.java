package dev.headwise.model;

import dev.headwise.HeadwiseException;
import dev.headwise.ffm.kernels.Int8LinearKernel;

import java.util.Locale;
import java.util.Set;

/**
 * Precision of an inference model's products, chosen at load ({@link LinearBackend#forInference}): FP32 as
 * trained; INT8, every Linear's weight quantized per output channel and each input row per call, on
 * headwise's int8 kernel; BF16, bf16 weights and inputs with fp32 accumulation (libtorch's oneDNN products).
 * Embeddings, LayerNorm and softmax stay fp32 in every mode. docs/quantization.md has the measurements.
 */
public enum InferencePrecision {
    FP32, INT8, BF16;

    public static InferencePrecision parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HeadwiseException("unknown inference precision '" + s + "'; use fp32, int8 or bf16.");
        }
    }

    /**
     * What runs for this request on a CPU with {@code cpuFlags} (/proc/cpuinfo's names, {@link Blas#cpuFlags}):
     * the precision itself, or FP32 with a note saying which instructions are missing. INT8 needs a variant of
     * the int8 kernel ({@code int8Kernel}: AVX-512 VNNI, AVX-VNNI or AVX2); BF16 needs AVX512-BF16 or AMX-BF16,
     * without which libtorch emulates bf16 products at a fraction of fp32's speed.
     */
    public Choice onCpu(Set<String> cpuFlags, java.util.Optional<Int8LinearKernel> int8Kernel) {
        return switch (this) {
            case FP32 -> new Choice(this, FP32, null);
            case INT8 -> int8Kernel.isPresent() ? new Choice(this, INT8, null) : new Choice(this, FP32,
                    "this CPU has neither VNNI nor AVX2 for the int8 kernel; running fp32.");
            case BF16 -> cpuFlags.contains("avx512_bf16") || cpuFlags.contains("amx_bf16") ? new Choice(this, BF16, null)
                    : new Choice(this, FP32, "this CPU has no AVX512-BF16 (nor AMX-BF16), so bf16 products would be "
                    + "emulated, slower than fp32; running fp32.");
        };
    }

    /** As {@link #onCpu(Set, java.util.Optional)} for this machine's CPU and kernels. */
    public Choice onThisCpu() {
        return onCpu(Blas.cpuFlags(), Int8LinearKernel.get());
    }

    /**
     * A precision asked for and the one that runs; {@code note} (null when they agree) says why not, for the
     * caller to show once.
     */
    public record Choice(InferencePrecision requested, InferencePrecision running, String note) {}
}
