package dev.headwise.cli;

import dev.headwise.model.Devices;
import dev.headwise.model.InferencePrecision;
import dev.headwise.model.Precision;
import dev.headwise.model.TorchRuntime;
import org.bytedeco.pytorch.Device;
import picocli.CommandLine.Option;

/** Options every compute command shares: device and threads. */
public final class CommonOptions {
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", description = "libtorch and BLAS threads (default: all cores; 1 where other work keeps the cores busy).")
    Integer threads;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16|tf32|int8",
            description = "Training: forward passes in bf16 autocast with fp32 master weights, or tf32 (GPU). "
                    + "Inference (predict, evaluate, encode): int8 or bf16 products made from the fp32 weights at "
                    + "load, fp32 where the CPU lacks the instructions (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON or YAML file of option defaults (long names without dashes); flags override it.")
    java.nio.file.Path config;

    /** Applies the thread setting (and tf32's matmul setting) to libtorch ({@link TorchRuntime}) and returns the device. */
    Device setUp() {
        (threads != null ? new TorchRuntime(threads) : TorchRuntime.allCores())
                .withPrecision(inferenceOnly() ? Precision.FP32 : precision()).apply();
        return Devices.parse(device);
    }

    /** The training precision. */
    Precision precision() {
        return Precision.parse(precision);
    }

    /** The inference precision; tf32 is fp32 products on the CPU (on a GPU, {@link #setUp} has set tf32 matmuls). */
    InferencePrecision inferencePrecision() {
        return "tf32".equalsIgnoreCase(precision) ? InferencePrecision.FP32 : InferencePrecision.parse(precision);
    }

    private boolean inferenceOnly() {
        return "int8".equalsIgnoreCase(precision);
    }

    /** Says once, on {@code err}, why the precision asked for does not run. */
    static void reportPrecision(InferencePrecision.Choice choice, java.io.PrintWriter err) {
        if (choice.note() == null) return;
        err.println("note: --precision " + choice.requested().name().toLowerCase(java.util.Locale.ROOT) + ": " + choice.note());
        err.flush();
    }
}
