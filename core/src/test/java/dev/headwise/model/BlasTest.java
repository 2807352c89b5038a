package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BLAS this test JVM loaded (pom.xml's hw.blas): thread control, and products checked against plain Java. */
class BlasTest {
    @AfterEach
    void restoreThreads() {
        new TorchRuntime(1).apply();
    }

    @Test
    void theLoadedBlasFollowsJavaCppsProperty() {
        String load = System.getProperty(Blas.LOAD_PROPERTY, "");
        assertEquals(load.startsWith("mkl") ? Blas.MKL : Blas.OPENBLAS, Blas.current());
        String described = Blas.current().describe();
        if (Blas.current() == Blas.MKL) {
            assertTrue(described.contains("Math Kernel Library"), described);
            assertTrue(described.endsWith("GNU OpenMP threads"), described);
        } else {
            assertTrue(described.startsWith("OpenBLAS "), described);
        }
    }

    @Test
    void aCoreTypeBelowTheCpusIsWarnedAbout() {
        var avx512 = java.util.Set.of("avx2", "avx512f", "fma");
        var avx2 = java.util.Set.of("avx2", "fma");
        String w = Blas.pinningWarning(java.util.Map.of("OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE", "1048576"), avx512)
                .orElseThrow();
        assertTrue(w.startsWith("OPENBLAS_CORETYPE=Haswell pins OpenBLAS to older kernels than this CPU's AVX-512")
                && w.contains("OPENBLAS_L2_SIZE=1048576"), w);
        assertTrue(Blas.pinningWarning(java.util.Map.of("OPENBLAS_CORETYPE", "SandyBridge"), avx2).isPresent());
        assertTrue(Blas.pinningWarning(java.util.Map.of("OPENBLAS_CORETYPE", "COOPERLAKE"), avx512).isEmpty());
        assertTrue(Blas.pinningWarning(java.util.Map.of("OPENBLAS_CORETYPE", "Zen"), avx2).isEmpty());
        assertTrue(Blas.pinningWarning(java.util.Map.of(), avx512).isEmpty());
        assertTrue(Blas.pinningWarning(java.util.Map.of("OPENBLAS_CORETYPE", "Haswell"), java.util.Set.of()).isEmpty(),
                "nothing is known of a CPU whose flags cannot be read");
    }

    @Test
    void threadCountsAreSetAndReadBack() {
        for (int threads : new int[] {2, 1}) {
            new TorchRuntime(threads).apply();
            assertEquals(threads, Blas.current().threads());
            assertEquals(threads, torch.get_num_threads());
        }
    }

    @Test
    void productsMatchAPlainJavaProduct() {
        int m = 37, k = 384, n = 129; // odd sizes: edge tiles in every direction
        var random = new Random(5);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) random.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) random.nextGaussian();
        for (int threads : new int[] {1, 2}) {
            new TorchRuntime(threads).apply();
            float[] c = Tensors.toFloats(torch.mm(Tensors.floats(a, m, k), Tensors.floats(b, k, n)));
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double expected = 0;
                    for (int p = 0; p < k; p++) expected += (double) a[i * k + p] * b[p * n + j];
                    assertEquals(expected, c[i * n + j], 1e-4 * Math.max(1, Math.abs(expected)),
                            "(" + i + ", " + j + ") with " + threads + " thread(s)");
                }
            }
        }
    }
}
