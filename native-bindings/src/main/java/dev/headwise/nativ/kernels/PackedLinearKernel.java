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
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code y = act(x W^T + b) + residual} on fp32 rows with W packed once into 48-column panels: headwise's
 * own AVX-512 kernel ({@code native-bindings/src/main/c/packed_linear.c}), built into the jar and called
 * through FFM. Its threads come from libtorch's libgomp, so products and libtorch's own ops share one pool.
 */
public final class PackedLinearKernel {
    private static final String RESOURCE = "/dev/headwise/nativ/kernels/linux-x86_64/libheadwise_kernels.so";
    private static final Optional<PackedLinearKernel> LOADED = load();

    /** What the kernel applies to each output before storing it (the codes packed_linear.c reads). */
    public enum Activation {
        NONE,
        /** Exact erf GELU, with erf as libtorch's vectorised CPU kernel computes it. */
        GELU,
        RELU
    }

    private final MethodHandle floats;
    private final MethodHandle alloc;
    private final MethodHandle free;
    private final MethodHandle pack;
    private final MethodHandle linear;

    private PackedLinearKernel(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        floats = linker.downcallHandle(lib.find("hw_packed_linear_floats").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
        alloc = linker.downcallHandle(lib.find("hw_packed_linear_alloc").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG));
        free = linker.downcallHandle(lib.find("hw_packed_linear_free").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));
        pack = linker.downcallHandle(lib.find("hw_packed_linear_pack").orElseThrow(),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        linear = linker.downcallHandle(lib.find("hw_packed_linear").orElseThrow(),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG,
                        JAVA_INT, JAVA_INT));
    }

    /**
     * The kernel, or empty where this CPU lacks AVX-512F, the library is not in the jar (not linux-x86_64),
     * or it cannot be unpacked to the temp directory.
     */
    public static Optional<PackedLinearKernel> get() {
        return LOADED;
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
            raw = (MemorySegment) alloc.invokeExact(n, k);
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
     * {@link #pack}; residual {@link MemorySegment#NULL} for none; on up to {@code threads} OpenMP threads.
     * Addresses only, sized by the caller: the segments may be zero-length views of tensor memory.
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

    private static Optional<PackedLinearKernel> load() {
        if (!"amd64".equals(System.getProperty("os.arch")) || !System.getProperty("os.name").startsWith("Linux")) {
            return Optional.empty();
        }
        try (InputStream in = PackedLinearKernel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return Optional.empty();
            // libtorch first: the kernel's libgomp.so.1 then binds to libtorch's copy, not a second runtime.
            Loader.load(torch.class);
            // dlopen needs a file; once the library is mapped the file can go, so nothing is left behind.
            Path file = Files.createTempFile("headwise-kernels", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                SymbolLookup lib = SymbolLookup.libraryLookup(file, Arena.global());
                MethodHandle supported = Linker.nativeLinker().downcallHandle(
                        lib.find("hw_packed_linear_supported").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
                return (int) supported.invokeExact() != 0 ? Optional.of(new PackedLinearKernel(lib)) : Optional.empty();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            return Optional.empty();  // no writable temp directory: libtorch's products serve instead
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
