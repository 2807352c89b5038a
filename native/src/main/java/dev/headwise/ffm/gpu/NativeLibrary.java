package dev.headwise.ffm.gpu;

import dev.headwise.HeadwiseException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A C library whose functions return an {@code int} status (0 = success) and take {@code int},
 * {@code size_t}/{@code unsigned long long} and pointer arguments, called by name. The Java argument
 * types ({@code Integer}, {@code Long}, {@link MemorySegment}) give the C signature, which holds for
 * every function the probes bind; handles are bound on first use.
 */
final class NativeLibrary {
    private static final Linker LINKER = Linker.nativeLinker();

    private final String location;
    private final SymbolLookup lookup;
    private final String errorNameFunction;
    private final Map<String, MethodHandle> handles = new ConcurrentHashMap<>();

    private NativeLibrary(String location, SymbolLookup lookup, String errorNameFunction) {
        this.location = location;
        this.lookup = lookup;
        this.errorNameFunction = errorNameFunction;
    }

    /**
     * The first candidate that loads: sonames go through the dynamic linker's search (which also finds a
     * copy libtorch already loaded), absolute paths are loaded as they are. The library stays loaded
     * until {@code arena} closes. {@code errorNameFunction} is {@code const char* f(int code)}.
     */
    static Optional<NativeLibrary> open(List<String> candidates, Arena arena, String errorNameFunction) {
        for (String candidate : candidates) {
            try {
                SymbolLookup lookup = candidate.contains("/")
                        ? SymbolLookup.libraryLookup(Path.of(candidate), arena)
                        : SymbolLookup.libraryLookup(candidate, arena);
                return Optional.of(new NativeLibrary(candidate, lookup, errorNameFunction));
            } catch (IllegalArgumentException notLoadable) {
                // try the next candidate
            }
        }
        return Optional.empty();
    }

    String location() {
        return location;
    }

    boolean has(String function) {
        return lookup.find(function).isPresent();
    }

    /** Calls {@code int function(args...)} and throws {@link HeadwiseException} unless it returns 0. */
    void check(String function, Object... args) {
        requireSuccess(function, status(function, args));
    }

    /** Throws {@link HeadwiseException} unless {@code code}, returned by {@code function}, is 0. */
    void requireSuccess(String function, int code) {
        NativeStatus.check(function, code, this::errorName);
    }

    /** Calls {@code int function(args...)} and returns its status unchecked; a function keeps its first call's signature. */
    int status(String function, Object... args) {
        MethodHandle handle = handles.computeIfAbsent(function,
                f -> bind(f, FunctionDescriptor.of(ValueLayout.JAVA_INT, layouts(args))));
        return (int) invoke(function, handle, args);
    }

    private String errorName(int code) {
        MethodHandle handle = handles.computeIfAbsent(errorNameFunction,
                f -> bind(f, FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT)));
        return CStrings.readPointer((MemorySegment) invoke(errorNameFunction, handle, code));
    }

    private MethodHandle bind(String function, FunctionDescriptor descriptor) {
        MemorySegment symbol = lookup.find(function).orElseThrow(() -> new HeadwiseException(
                location + " has no function " + function + "; the library is older or other than expected."));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    private static MemoryLayout[] layouts(Object[] args) {
        var layouts = new MemoryLayout[args.length];
        for (int i = 0; i < args.length; i++) {
            layouts[i] = switch (args[i]) {
                case Integer _ -> ValueLayout.JAVA_INT;
                case Long _ -> ValueLayout.JAVA_LONG;
                case MemorySegment _ -> ValueLayout.ADDRESS;
                default -> throw new IllegalArgumentException("no C type for " + args[i].getClass());
            };
        }
        return layouts;
    }

    private Object invoke(String function, MethodHandle handle, Object... args) {
        try {
            return handle.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new HeadwiseException("calling " + function + " in " + location + " failed: " + t + ".", t);
        }
    }
}
