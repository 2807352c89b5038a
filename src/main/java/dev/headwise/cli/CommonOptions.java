package dev.headwise.cli;

import dev.headwise.model.Devices;
import org.bytedeco.pytorch.Device;
import picocli.CommandLine.Option;

/** Options every compute command shares: device and threads. */
public final class CommonOptions {
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", description = "libtorch intra-op threads (default: all cores).")
    Integer threads;

    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON or YAML file of option defaults (long names without dashes); flags override it.")
    java.nio.file.Path config;

    /** Applies the thread setting and returns the device. */
    Device setUp() {
        Devices.setThreads(threads != null ? threads : Runtime.getRuntime().availableProcessors());
        return Devices.parse(device);
    }
}
