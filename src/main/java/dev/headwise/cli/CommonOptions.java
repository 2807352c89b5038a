package dev.headwise.cli;

import dev.headwise.model.Devices;
import dev.headwise.model.Precision;
import org.bytedeco.pytorch.Device;
import picocli.CommandLine.Option;

/** Options every compute command shares: device and threads. */
public final class CommonOptions {
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", description = "libtorch and BLAS threads (default: all cores; 1 where other work keeps the cores busy).")
    Integer threads;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16|tf32",
            description = "Forward-pass precision; bf16 uses autocast with fp32 master weights (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON or YAML file of option defaults (long names without dashes); flags override it.")
    java.nio.file.Path config;

    /** Applies the thread setting and returns the device. */
    Device setUp() {
        Devices.setThreads(threads != null ? threads : Runtime.getRuntime().availableProcessors());
        precision().configure();
        return Devices.parse(device);
    }

    Precision precision() {
        return Precision.parse(precision);
    }
}
