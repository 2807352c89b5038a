package dev.headwise.ffm.kernels;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code y = act(x W^T + b) + residual} on fp32 rows with W packed once into column panels: headwise's own
 * kernel ({@code native/src/main/c/packed_linear_body.h}) in one {@link Variant} per instruction
 * set, built into the jar and called through FFM. Its threads come from libtorch's libgomp, so products and
 * libtorch's own ops share one pool.
 */
public final class PackedLinearKernel {
    private static final Map<Variant, PackedLinearKernel> LOADED =
            KernelLibrary.variants(Variant.class, v -> v.symbol("hw_packed_linear_supported"), PackedLinearKernel::new);
    private static final Optional<PackedLinearKernel> BEST = KernelLibrary.first(Variant.class, LOADED);

    /**
     * The kernel's builds, in the order {@link #get()} prefers them (wider registers first). Each packs W its
     * own way (panel width), so a weight packed by one variant serves only that variant's {@link #linear}.
     */
    public enum Variant {
        /** AVX-512F: 48-column panels, rows tiled by 8. */
        AVX512("AVX-512F"),
        /** AVX2 and FMA: 24-column panels, rows tiled by 4. */
        AVX2("AVX2+FMA");

        private final String label;

        Variant(String label) {
            this.label = label;
        }

        /** A function of the library as this variant exports it. */
        private String symbol(String name) {
            return name + "_" + name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the kernel applies to each output before storing it (the codes packed_linear_body.h reads). */
    public enum Epilogue {
        NONE,
        /** Exact erf GELU, with erf as libtorch's vectorised CPU kernel computes it. */
        GELU,
        RELU
    }

    private final Variant variant;
    private final MethodHandle floats;
    private final KernelLibrary lib;
    private final MethodHandle pack;
    private final MethodHandle linear;

    private PackedLinearKernel(KernelLibrary lib, Variant variant) {
        this.variant = variant;
        this.lib = lib;
        floats = lib.handle(variant.symbol("hw_packed_linear_floats"), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
        pack = lib.handle(variant.symbol("hw_packed_linear_pack"), FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        linear = lib.handle(variant.symbol("hw_packed_linear"),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG,
                        JAVA_INT, JAVA_INT));
    }

    /**
     * The fastest variant this CPU runs, or empty where it runs none (neither AVX-512F nor AVX2 with FMA),
     * the library is not in the jar (not linux-x86_64), or it cannot be unpacked to the temp directory.
     */
    public static Optional<PackedLinearKernel> get() {
        return BEST;
    }

    /** That variant, or empty where this CPU lacks its instructions (or, as for {@link #get()}, the library). */
    public static Optional<PackedLinearKernel> get(Variant variant) {
        return Optional.ofNullable(LOADED.get(variant));
    }

    /** The instruction set this kernel is built for. */
    public Variant variant() {
        return variant;
    }

    /** What runs, for a person: the instruction set and the panel width, e.g. "AVX2+FMA, 24-column panels". */
    public String describe() {
        return variant.label + ", " + packedFloats(1, 1) + "-column panels";
    }

    /** Floats a packed (n, k) weight takes: n rounded up to whole panels, times k. */
    public long packedFloats(long n, long k) {
        try {
            return (long) floats.invokeExact(n, k);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Native memory for a packed (n, k) weight: 64-byte aligned, not zeroed, freed once the segment is
     * unreachable. (An arena's allocation zeroes first, which took longer than packing itself.)
     */
    public MemorySegment allocatePacked(long n, long k) {
        return lib.allocate(packedFloats(n, k) * Float.BYTES, "packed weight of " + n + " x " + k);
    }

    /** Packs weight (n, k), row-major fp32, into {@code packed} ({@link #packedFloats} floats, 64-byte aligned: {@link #allocatePacked}). */
    public void pack(MemorySegment weight, long n, long k, MemorySegment packed) {
        check(weight, n * k, packed, packedFloats(n, k));
        try {
            pack.invokeExact(weight, n, k, packed);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * y (m, n) = act(x (m, k) W^T + bias (n)) + residual (m, n), every array contiguous fp32 and W packed by
     * this kernel's {@link #pack}; residual {@link MemorySegment#NULL} for none; on up to {@code threads}
     * OpenMP threads. Addresses only, sized by the caller: the segments may be zero-length views of tensor
     * memory.
     */
    public void linear(MemorySegment x, long m, long k, MemorySegment packed, MemorySegment bias,
                       MemorySegment residual, MemorySegment y, long n, Epilogue act, int threads) {
        try {
            linear.invokeExact(x, m, k, packed, bias, residual, y, n, act.ordinal(), threads);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void check(MemorySegment weight, long weightFloats, MemorySegment packed, long packedFloats) {
        if (weight.byteSize() < weightFloats * Float.BYTES || packed.byteSize() < packedFloats * Float.BYTES) {
            throw new IllegalArgumentException("pack: weight holds " + weight.byteSize() + " bytes for " + weightFloats
                    + " floats, packed " + packed.byteSize() + " for " + packedFloats);
        }
        if (packed.address() % 64 != 0) throw new IllegalArgumentException("pack: the packed buffer is not 64-byte aligned");
    }

    private static RuntimeException rethrow(Throwable t) {
        return KernelLibrary.rethrow(t);
    }
}
