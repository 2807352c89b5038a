package dev.headwise.model;

import dev.headwise.HeadwiseException;
import dev.headwise.ffm.blas.Mkl;
import org.bytedeco.openblas.global.openblas_full;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /** OpenBLAS's kernel families that use AVX-512, and those that use AVX2 at most (its OPENBLAS_CORETYPE names). */
    private static final Set<String> AVX512_CORES = Set.of("skylakex", "cooperlake", "sapphirerapids");
    private static final Set<String> AVX2_CORES = Set.of("haswell", "zen", "skylakex", "cooperlake", "sapphirerapids");

    /**
     * A warning when the environment pins OpenBLAS to kernels below what this CPU runs
     * ({@code OPENBLAS_CORETYPE} older than its AVX-512 or AVX2), which can halve its products; empty otherwise.
     *
     * @param cpuFlags the CPU's feature flags as /proc/cpuinfo names them ({@link #cpuFlags})
     */
    public static Optional<String> pinningWarning(Map<String, String> env, Set<String> cpuFlags) {
        String core = env.get("OPENBLAS_CORETYPE");
        if (core == null || core.isBlank()) return Optional.empty();
        String c = core.strip().toLowerCase(Locale.ROOT);
        String cpu = cpuFlags.contains("avx512f") ? "AVX-512" : cpuFlags.contains("avx2") ? "AVX2" : null;
        boolean below = cpu != null && !(cpu.equals("AVX-512") ? AVX512_CORES : AVX2_CORES).contains(c);
        if (!below) return Optional.empty();
        return Optional.of("OPENBLAS_CORETYPE=" + core + " pins OpenBLAS to older kernels than this CPU's " + cpu
                + (env.containsKey("OPENBLAS_L2_SIZE") ? " (with OPENBLAS_L2_SIZE=" + env.get("OPENBLAS_L2_SIZE") + ")" : "")
                + ": its products can run at half speed. Unset it unless this OpenBLAS miscomputes here.");
    }

    /** This CPU's feature flags from /proc/cpuinfo; empty where it cannot be read. */
    public static Set<String> cpuFlags() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> Set.copyOf(List.of(l.substring(l.indexOf(':') + 1).strip().split("\\s+")))).orElse(Set.of());
        } catch (IOException | UncheckedIOException e) {
            return Set.of();
        }
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
