package dev.headwise.cli;

import dev.headwise.model.Blas;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the headwise CLI in a separate JVM, with this test JVM's class path and BLAS, for crash and signal
 * tests; SIGINT reaches it even when the build runs where SIGINT is ignored ({@link DefaultSigintMain}).
 */
public final class ChildJvm {
    private ChildJvm() {}

    public static Process start(Path log, String maxHeap, String... args) throws IOException {
        var cmd = new ArrayList<String>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dorg.bytedeco.javacpp.maxBytes=0",
                "-D" + Blas.LOAD_PROPERTY + "=" + System.getProperty(Blas.LOAD_PROPERTY, ""),
                "-Djava.awt.headless=true", "-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"),
                DefaultSigintMain.class.getName()));
        cmd.addAll(List.of(args));
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }
}
