package dev.headwise.ffm.kernels;

import dev.headwise.ffm.kernels.PackedLinearKernel.Epilogue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code y = act(x W^T + b) + residual} in int8: W quantized once per output channel (symmetric, scale
 * max|W_j| / 127), each row of x quantized per call the same way, the products summed exactly in int32 and
 * scaled back to fp32 as they are stored. headwise's own kernel
 * ({@code native/src/main/c/int8_linear_body.h}), one {@link Variant} per instruction set, called
 * through FFM on libtorch's OpenMP threads.
 */
public final class Int8LinearKernel {
    private static final Map<Variant, Int8LinearKernel> LOADED =
            KernelLibrary.variants(Variant.class, v -> v.symbol("hw_int8_linear_supported"), Int8LinearKernel::new);
    private static final Optional<Int8LinearKernel> BEST = KernelLibrary.first(Variant.class, LOADED);

    /**
     * The kernel's builds, in the order {@link #get()} prefers them. Each packs W its own way (panel width,
     * and what it stores for its dot instruction), so a weight packed by one variant serves only that
     * variant's {@link #linear}. Every variant computes the same integers, so the same outputs.
     */
    public enum Variant {
        /** AMX-INT8 ({@code tdpbusd} on 16 x 64-byte tiles): 16-column panels, 32 x 32 blocks of y. */
        AMX("AMX-INT8", "amx", 16),
        /** AVX-512 VNNI ({@code vpdpbusd} on zmm): 48-column panels, rows tiled by 8. */
        AVX512_VNNI("AVX-512 VNNI", "avx512vnni", 48),
        /** AVX-VNNI ({@code vpdpbusd} on ymm): 24-column panels, rows tiled by 4. */
        AVX_VNNI("AVX-VNNI", "avxvnni", 24),
        /** AVX2 ({@code vpmaddubsw} and {@code vpmaddwd}): 16-column panels, rows tiled by 4. */
        AVX2("AVX2", "avx2", 16);

        private final String label;
        private final String suffix;
        private final int panel;

        Variant(String label, String suffix, int panel) {
            this.label = label;
            this.suffix = suffix;
            this.panel = panel;
        }

        private String symbol(String name) {
            return name + "_" + suffix;
        }
    }

    private final Variant variant;
    private final KernelLibrary lib;
    private final MethodHandle bytes;
    private final MethodHandle pack;
    private final MethodHandle linear;

    private Int8LinearKernel(KernelLibrary lib, Variant variant) {
        this.variant = variant;
        this.lib = lib;
        bytes = lib.handle(variant.symbol("hw_int8_linear_bytes"), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
        pack = lib.handle(variant.symbol("hw_int8_linear_pack"), FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        linear = lib.handle(variant.symbol("hw_int8_linear"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG,
                JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT));
    }

    /** The fastest variant this CPU runs, or empty where it runs none (no AVX2) or the library is missing. */
    public static Optional<Int8LinearKernel> get() {
        return BEST;
    }

    /** That variant, or empty where this CPU lacks its instructions (or the library is missing). */
    public static Optional<Int8LinearKernel> get(Variant variant) {
        return Optional.ofNullable(LOADED.get(variant));
    }

    public Variant variant() {
        return variant;
    }

    /** What runs, for a person: e.g. "AVX2, 16-column panels". */
    public String describe() {
        return variant.label + ", " + variant.panel + "-column panels";
    }

    /** Bytes a packed (n, k) weight takes: its int8 panels, per-channel scales and the variant's column terms. */
    public long packedBytes(long n, long k) {
        try {
            return (long) bytes.invokeExact(n, k);
        } catch (Throwable t) {
            throw KernelLibrary.rethrow(t);
        }
    }

    /** Native memory for a packed (n, k) weight: 64-byte aligned, not zeroed, freed once unreachable. */
    public MemorySegment allocatePacked(long n, long k) {
        return lib.allocate(packedBytes(n, k), "int8 weight of " + n + " x " + k);
    }

    /** Quantizes weight (n, k), row-major fp32, into {@code packed} ({@link #allocatePacked}). */
    public void pack(MemorySegment weight, long n, long k, MemorySegment packed) {
        if (weight.byteSize() < n * k * Float.BYTES || packed.byteSize() < packedBytes(n, k)) {
            throw new IllegalArgumentException("pack: weight holds " + weight.byteSize() + " bytes for " + n * k
                    + " floats, packed " + packed.byteSize() + " for " + packedBytes(n, k));
        }
        if (packed.address() % 64 != 0) throw new IllegalArgumentException("pack: the packed buffer is not 64-byte aligned");
        try {
            pack.invokeExact(weight, n, k, packed);
        } catch (Throwable t) {
            throw KernelLibrary.rethrow(t);
        }
    }

    /**
     * y (m, n) = act(x (m, k) W^T + bias (n)) + residual (m, n), every array contiguous fp32 and W packed by
     * this kernel's {@link #pack}; residual {@link MemorySegment#NULL} for none; on up to {@code threads}
     * OpenMP threads. Addresses only, sized by the caller.
     */
    public void linear(MemorySegment x, long m, long k, MemorySegment packed, MemorySegment bias,
                       MemorySegment residual, MemorySegment y, long n, Epilogue act, int threads) {
        int status;
        try {
            status = (int) linear.invokeExact(x, m, k, packed, bias, residual, y, n, act.ordinal(), threads);
        } catch (Throwable t) {
            throw KernelLibrary.rethrow(t);
        }
        if (status != 0) throw new OutOfMemoryError("int8 product: no memory for " + m + " x " + k + " quantized inputs");
    }
}
