package dev.headwise.nativ.kernels;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code y = act(x W^T + b) + residual} on fp32 rows with W packed once into column panels: headwise's own
 * kernel ({@code native-bindings/src/main/c/packed_linear_body.h}) in one {@link Variant} per instruction
 * set, built into the jar and called through FFM. Its threads come from libtorch's libgomp, so products and
 * libtorch's own ops share one pool.
 */
public final class PackedLinearKernel {
    private static final String RESOURCE = "/dev/headwise/nativ/kernels/linux-x86_64/libheadwise_kernels.so";
    private static final Map<Variant, PackedLinearKernel> LOADED = load();
    private static final Optional<PackedLinearKernel> BEST =
            Arrays.stream(Variant.values()).map(LOADED::get).filter(Objects::nonNull).findFirst();

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
    public enum Activation {
        NONE,
        /** Exact erf GELU, with erf as libtorch's vectorised CPU kernel computes it. */
        GELU,
        RELU
    }

    private final Variant variant;
    private final MethodHandle floats;
    private final MethodHandle alloc;
    private final MethodHandle free;
    private final MethodHandle pack;
    private final MethodHandle linear;

    private PackedLinearKernel(SymbolLookup lib, Variant variant) {
        this.variant = variant;
        Linker linker = Linker.nativeLinker();
        floats = linker.downcallHandle(lib.find(variant.symbol("hw_packed_linear_floats")).orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
        alloc = linker.downcallHandle(lib.find("hw_packed_linear_alloc").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, JAVA_LONG));
        free = linker.downcallHandle(lib.find("hw_packed_linear_free").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));
        pack = linker.downcallHandle(lib.find(variant.symbol("hw_packed_linear_pack")).orElseThrow(),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        linear = linker.downcallHandle(lib.find(variant.symbol("hw_packed_linear")).orElseThrow(),
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
        MemorySegment raw;
        try {
            raw = (MemorySegment) alloc.invokeExact(packedFloats(n, k));
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (raw.equals(MemorySegment.NULL)) throw new OutOfMemoryError("packed weight of " + n + " x " + k);
        return raw.reinterpret(packedFloats(n, k) * Float.BYTES, Arena.ofAuto(), this::release);
    }

    private void release(MemorySegment packed) {
        try {
            free.invokeExact(packed);
        } catch (Throwable t) {
            throw rethrow(t);
        }
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
                       MemorySegment residual, MemorySegment y, long n, Activation act, int threads) {
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

    private static Map<Variant, PackedLinearKernel> load() {
        if (!"amd64".equals(System.getProperty("os.arch")) || !System.getProperty("os.name").startsWith("Linux")) {
            return Map.of();
        }
        try (InputStream in = PackedLinearKernel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return Map.of();
            // libtorch first: the kernel's libgomp.so.1 then binds to libtorch's copy, not a second runtime.
            Loader.load(torch.class);
            // dlopen needs a file; once the library is mapped the file can go, so nothing is left behind.
            Path file = Files.createTempFile("headwise-kernels", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                SymbolLookup lib = SymbolLookup.libraryLookup(file, Arena.global());
                Map<Variant, PackedLinearKernel> kernels = new EnumMap<>(Variant.class);
                for (Variant variant : Variant.values()) {
                    MethodHandle supported = Linker.nativeLinker().downcallHandle(
                            lib.find(variant.symbol("hw_packed_linear_supported")).orElseThrow(),
                            FunctionDescriptor.of(JAVA_INT));
                    if ((int) supported.invokeExact() != 0) kernels.put(variant, new PackedLinearKernel(lib, variant));
                }
                return Collections.unmodifiableMap(kernels);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            return Map.of();  // no writable temp directory: libtorch's products serve instead
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
