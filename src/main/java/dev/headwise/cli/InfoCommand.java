package dev.headwise.cli;

import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code headwise info}: versions, natives and devices. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show library versions, natives and devices.")
final class InfoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.printf("headwise        %s%n", Version.headwise());
        out.printf("java            %s (%s)%n", System.getProperty("java.version"), System.getProperty("java.vm.name"));
        out.printf("libtorch        %s (JavaCPP presets %s)%n", Version.of(torch.class), Version.javacpp());
        out.printf("threads         %d intra-op, OMP_WAIT_POLICY=%s%n", torch.get_num_threads(),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        out.printf("cuda            %s%n", torch.cuda_is_available()
                ? torch.cuda_device_count() + " device(s)" : "not available (CPU natives or no GPU)");
        out.flush();
        return 0;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"headwise " + headwise()};
        }

        static String headwise() {
            return of(Version.class);
        }

        static String javacpp() {
            return of(org.bytedeco.javacpp.Loader.class);
        }

        static String of(Class<?> c) {
            String v = c.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }
    }
}
