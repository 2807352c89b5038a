package dev.headwise.ffm.kernels;

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
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * headwise's kernel library ({@code native/src/main/c}, built into the jar), loaded once for every
 * kernel class, and its 64-byte aligned allocations.
 */
final class KernelLibrary {
    private static final String RESOURCE = "/dev/headwise/ffm/kernels/linux-x86_64/libheadwise_kernels.so";
    private static final Optional<KernelLibrary> LOADED = load();

    private final SymbolLookup lib;
    private final MethodHandle alloc;
    private final MethodHandle free;

    private KernelLibrary(SymbolLookup lib) {
        this.lib = lib;
        alloc = handle("hw_packed_linear_alloc", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
        free = handle("hw_packed_linear_free", FunctionDescriptor.ofVoid(ADDRESS));
    }

    /** The library, or empty where it is not in the jar (not linux-x86_64) or cannot be unpacked to the temp directory. */
    static Optional<KernelLibrary> get() {
        return LOADED;
    }

    /**
     * The variants of a kernel this CPU runs (those whose {@code supported} function, a
     * {@code hw_..._supported_...} symbol, answers yes), each bound once; none without the library.
     */
    static <V extends Enum<V>, K> Map<V, K> variants(Class<V> type, Function<V, String> supported,
                                                     BiFunction<KernelLibrary, V, K> bind) {
        Map<V, K> kernels = new EnumMap<>(type);
        LOADED.ifPresent(lib -> {
            for (V v : type.getEnumConstants()) if (lib.supported(supported.apply(v))) kernels.put(v, bind.apply(lib, v));
        });
        return Collections.unmodifiableMap(kernels);
    }

    /** The first of {@code loaded}'s variants in their enum's order (the fastest first). */
    static <V extends Enum<V>, K> Optional<K> first(Class<V> type, Map<V, K> loaded) {
        return Arrays.stream(type.getEnumConstants()).map(loaded::get).filter(Objects::nonNull).findFirst();
    }

    MethodHandle handle(String symbol, FunctionDescriptor descriptor) {
        return Linker.nativeLinker().downcallHandle(lib.find(symbol).orElseThrow(), descriptor);
    }

    private boolean supported(String symbol) {
        try {
            return (int) handle(symbol, FunctionDescriptor.of(JAVA_INT)).invokeExact() != 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code bytes} of native memory, 64-byte aligned, not zeroed, freed once the segment is unreachable.
     * (An arena's allocation zeroes first, which took longer than packing a weight.)
     */
    MemorySegment allocate(long bytes, String what) {
        MemorySegment raw;
        try {
            raw = (MemorySegment) alloc.invokeExact((bytes + Float.BYTES - 1) / Float.BYTES);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (raw.equals(MemorySegment.NULL)) throw new OutOfMemoryError(what);
        return raw.reinterpret(bytes, Arena.ofAuto(), this::release);
    }

    private void release(MemorySegment segment) {
        try {
            free.invokeExact(segment);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static Optional<KernelLibrary> load() {
        if (!"amd64".equals(System.getProperty("os.arch")) || !System.getProperty("os.name").startsWith("Linux")) {
            return Optional.empty();
        }
        try (InputStream in = KernelLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return Optional.empty();
            // libtorch first: the kernels' libgomp.so.1 then binds to libtorch's copy, not a second runtime.
            Loader.load(torch.class);
            // dlopen needs a file; once the library is mapped the file can go, so nothing is left behind.
            Path file = Files.createTempFile("headwise-kernels", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                return Optional.of(new KernelLibrary(SymbolLookup.libraryLookup(file, Arena.global())));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            return Optional.empty();  // no writable temp directory: libtorch's products serve instead
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
