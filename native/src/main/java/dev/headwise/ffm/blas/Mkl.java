package dev.headwise.ffm.blas;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The service functions of Intel MKL's single dynamic library ({@code libmkl_rt}), which JavaCPP loads in
 * OpenBLAS's place when {@code org.bytedeco.openblas.load=mkl_rt}. The MKL presets wrap these too, but only
 * in a 130 MB JNI library of their own; the redistributable holds everything libtorch's products need.
 */
public final class Mkl {
    /** {@code MKL_THREADING_GNU}: MKL's parallel regions run on libgomp, the OpenMP runtime libtorch uses. */
    private static final int THREADING_GNU = 3;
    private static final String[] LAYERS = {"Intel OpenMP", "sequential", "PGI OpenMP", "GNU OpenMP", "TBB"};

    private final MethodHandle setThreadingLayer;
    private final MethodHandle setNumThreads;
    private final MethodHandle getMaxThreads;
    private final MethodHandle getVersionString;

    private Mkl(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        setThreadingLayer = linker.downcallHandle(lib.find("MKL_Set_Threading_Layer").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        setNumThreads = linker.downcallHandle(lib.find("MKL_Set_Num_Threads").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_INT));
        getMaxThreads = linker.downcallHandle(lib.find("MKL_Get_Max_Threads").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT));
        getVersionString = linker.downcallHandle(lib.find("MKL_Get_Version_String").orElseThrow(),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
    }

    /** The MKL this process has loaded, found by soname; empty if none is loaded or findable. */
    public static Optional<Mkl> loaded() {
        try {
            return Optional.of(new Mkl(SymbolLookup.libraryLookup("libmkl_rt.so.2", Arena.global())));
        } catch (IllegalArgumentException | java.util.NoSuchElementException notThere) {
            return Optional.empty();
        }
    }

    /**
     * Asks MKL to run its threads on libgomp, so that its products and libtorch's elementwise ops share one
     * pool of threads instead of two pools spinning against each other. MKL fixes its layer at its first
     * call; after that this changes nothing and the returned name is the layer in force.
     */
    public String useGnuOpenMp() {
        int layer = (int) invoke(setThreadingLayer, THREADING_GNU);
        return layer >= 0 && layer < LAYERS.length ? LAYERS[layer] : "threading layer " + layer;
    }

    public void setThreads(int threads) {
        invoke(setNumThreads, threads);
    }

    public int threads() {
        return (int) invoke(getMaxThreads);
    }

    /** For example "Intel(R) oneAPI Math Kernel Library Version 2025.3-Product Build ...". */
    public String version() {
        try (Arena arena = Arena.ofConfined()) {
            var buffer = arena.allocate(256);
            invoke(getVersionString, buffer, 256);
            return buffer.getString(0).strip();
        }
    }

    private static Object invoke(MethodHandle handle, Object... args) {
        try {
            return handle.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
