package dev.headwise.bench;

import dev.headwise.model.Blas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which BLAS and kernel limit calibration picks from its probes, and the file the launcher reads. */
class ProductPathsTest {
    private static final double NO_KERNEL = Double.NaN;

    @Test
    void eachKindOfCommandGetsTheBlasThatWasFasterAtIt() {
        var training = Map.of(Blas.MKL, new ProductProbe.Training(190, 200), Blas.OPENBLAS, new ProductProbe.Training(380, 390));
        // MKL faster at batch 1, OpenBLAS much faster at batch 32: the geometric mean decides.
        var inference = Map.of(
                Blas.MKL, new ProductProbe.Inference(4.0, 300, points(100, 50, 100, 90, 100, 120)),
                Blas.OPENBLAS, new ProductProbe.Inference(5.0, 150, points(100, 80, 100, 130, 100, 140)));
        var paths = ProductPaths.decide(training, inference);
        assertEquals(Blas.OPENBLAS, paths.trainingBlas());
        assertEquals(Blas.OPENBLAS, paths.inferenceBlas());
        assertEquals(64, paths.packedMaxRows(), "the kernel lost to OpenBLAS from 128 rows on");
        assertEquals(Map.entry(Blas.OPENBLAS, 390.0), paths.bestGemm());

        var mklAtBatch32Too = Map.of(
                Blas.MKL, new ProductProbe.Inference(4.0, 140, points(100, 50, 100, 90, 100, 120)),
                Blas.OPENBLAS, inference.get(Blas.OPENBLAS));
        var other = ProductPaths.decide(training, mklAtBatch32Too);
        assertEquals(Blas.MKL, other.inferenceBlas());
        assertEquals(128, other.packedMaxRows());
    }

    @Test
    void twoProbesOfOneBlasKeepTheBestOfEachFigure() {
        var t = new ProductProbe.Training(100, 210).best(new ProductProbe.Training(180, 150));
        assertEquals(new ProductProbe.Training(180, 210), t);
        var a = new ProductProbe.Inference(5.0, 300, points(100, 80, 200, 150));
        var b = new ProductProbe.Inference(7.0, 250, points(90, 85, 210, 140));
        var best = a.best(b);
        assertEquals(5.0, best.batch1Ms());
        assertEquals(250, best.batch32Ms());
        assertEquals(points(90, 80, 200, 140), best.kernel());
        assertEquals(points(100, 80), new ProductProbe.Inference(1, 1, points(100, NO_KERNEL))
                .best(new ProductProbe.Inference(1, 1, points(120, 80))).kernel());
    }

    @Test
    void theKernelLimitStopsAtTheFirstRowCountItLoses() {
        assertEquals(0, ProductPaths.packedMaxRows(points(100, 120, 100, 50)));
        assertEquals(0, ProductPaths.packedMaxRows(points(100, NO_KERNEL, 100, NO_KERNEL)));
        assertEquals(128, ProductPaths.packedMaxRows(points(100, 90, 100, 90, 100, 110, 100, 50)));
        assertEquals(ProductPaths.ANY_ROWS, ProductPaths.packedMaxRows(points(9, 1, 9, 1, 9, 1, 9, 1, 9, 1, 9, 1)));
        assertEquals(0, ProductPaths.packedMaxRows(List.of()));
    }

    @Test
    void theFileRoundTripsAndTheLauncherKeysAreThere(@TempDir Path dir) throws Exception {
        var paths = ProductPaths.decide(
                Map.of(Blas.MKL, new ProductProbe.Training(190.5, 201.25), Blas.OPENBLAS, new ProductProbe.Training(150, 160)),
                Map.of(Blas.MKL, new ProductProbe.Inference(4.5, 300, points(10, 5, 10, 20)),
                        Blas.OPENBLAS, new ProductProbe.Inference(9.0, 310, points(10, 5, 10, 6, 10, 20))));
        Path file = dir.resolve("sub/calibration.properties");
        paths.write(file);
        assertEquals(paths, ProductPaths.read(file).orElseThrow());
        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.contains("training_blas=mkl") && lines.contains("inference_blas=mkl"), lines::toString);
        assertTrue(lines.contains("mkl.packed_max_rows=64") && lines.contains("openblas.packed_max_rows=128"), lines::toString);
        assertTrue(paths.describe().getFirst().startsWith("training on mkl, inference on mkl"), paths.describe()::toString);
    }

    @Test
    void aGarbledOrMissingFileReadsAsNotCalibrated(@TempDir Path dir) throws Exception {
        assertTrue(ProductPaths.read(dir.resolve("absent")).isEmpty());
        Path garbled = dir.resolve("garbled.properties");
        Files.writeString(garbled, "training_blas=atlas\ninference_blas=mkl\npacked_max_rows=64\n");
        assertTrue(ProductPaths.read(garbled).isEmpty());
    }

    /** Kernel points at 64, 128, 256, ... rows from (blas us, kernel us) pairs. */
    private static List<ProductProbe.KernelPoint> points(double... blasKernel) {
        var points = new java.util.ArrayList<ProductProbe.KernelPoint>();
        for (int i = 0; i < blasKernel.length / 2; i++) {
            points.add(new ProductProbe.KernelPoint(64 << i, blasKernel[2 * i], blasKernel[2 * i + 1]));
        }
        return points;
    }
}
