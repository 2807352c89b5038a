package dev.headwise.model;

import dev.headwise.HeadwiseException;
import dev.headwise.nativ.blas.Mkl;
import org.bytedeco.openblas.global.openblas_full;

/**
 * The BLAS that libtorch's CPU matrix products run on. The presets link libtorch against OpenBLAS; with
 * {@code -Dorg.bytedeco.openblas.load=mkl_rt} (set before the first libtorch call; the launcher sets it) and
 * MKL's redistributable on the class path, JavaCPP loads Intel MKL in its place. Calling OpenBLAS's own
 * functions while MKL stands in for it would end the process, hence this switch.
 */
public enum Blas {
    OPENBLAS,
    MKL;

    /** The system property JavaCPP reads to choose the library it loads as OpenBLAS. */
    public static final String LOAD_PROPERTY = "org.bytedeco.openblas.load";

    /** The one this process loads. */
    public static Blas current() {
        String load = System.getProperty(LOAD_PROPERTY, "");
        return load.startsWith("mkl") ? MKL : OPENBLAS;
    }

    /** Threads for products; for MKL, also puts its threads on libtorch's OpenMP runtime (see {@link Mkl#useGnuOpenMp}). */
    public void setThreads(int threads) {
        switch (this) {
            case OPENBLAS -> openblas_full.openblas_set_num_threads(threads);
            case MKL -> {
                Mkl mkl = mkl();
                mkl.useGnuOpenMp();
                mkl.setThreads(threads);
            }
        }
    }

    public int threads() {
        return switch (this) {
            case OPENBLAS -> openblas_full.openblas_get_num_threads();
            case MKL -> mkl().threads();
        };
    }

    /** Name, version and, for MKL, the threading layer in force: for {@code headwise info} and benchmark reports. */
    public String describe() {
        return switch (this) {
            case OPENBLAS -> openblas_full.openblas_get_config().getString().strip(); // "OpenBLAS 0.3.31 ..."
            case MKL -> {
                Mkl mkl = mkl();
                yield mkl.version() + ", " + mkl.useGnuOpenMp() + " threads";
            }
        };
    }

    private static volatile Mkl mkl;

    /** MKL's service functions, bound once. */
    private static Mkl mkl() {
        Mkl bound = mkl;
        if (bound != null) return bound;
        // Loading torch first makes JavaCPP load the library it chose, so the lookup finds that copy.
        org.bytedeco.pytorch.global.torch.get_num_threads();
        bound = Mkl.loaded().orElseThrow(() -> new HeadwiseException("-D" + LOAD_PROPERTY + "="
                + System.getProperty(LOAD_PROPERTY) + " is set, but MKL's libmkl_rt.so.2 is not loaded: is "
                + "org.bytedeco:mkl (classifier linux-x86_64-redist) on the class path?"));
        mkl = bound;
        return bound;
    }
}
