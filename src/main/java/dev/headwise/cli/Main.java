package dev.headwise.cli;

import dev.headwise.HeadwiseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** The {@code headwise} command line. */
@Command(name = "headwise", mixinStandardHelpOptions = true, versionProvider = InfoCommand.Version.class,
        description = "Fine-tune and serve DistilBERT/BERT text classifiers on libtorch.",
        subcommands = {DemoCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class,
                EncodeCommand.class, ImportCommand.class, InfoCommand.class, DatasetCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class, AotTrainingRunCommand.class, CalibrateCommand.class,
                CalibrateCommand.Probe.class})
public final class Main {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces on errors.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(execute(commandLine(), args));
    }

    /**
     * Runs the command line, first applying option defaults from {@code --config FILE} if given. Config
     * errors are reported like any other error.
     */
    public static int execute(CommandLine cl, String... args) {
        try {
            var defaults = ConfigFileDefaults.fromArgs(args);
            if (defaults != null) {
                var parsed = new CommandLine(new Main()).setUnmatchedArgumentsAllowed(true).parseArgs(args);
                var sub = parsed.subcommand();
                if (sub != null) defaults.requireKnown(sub.commandSpec());
                cl.setDefaultValueProvider(defaults);
            }
        } catch (HeadwiseException e) {
            cl.getErr().println("headwise: " + e.getMessage());
            cl.getErr().flush();
            return 1;
        } catch (CommandLine.ParameterException e) {
            // Reported properly by execute() below.
        }
        return cl.execute(args);
    }

    /** The configured command line; tests call {@code execute} on it. */
    public static CommandLine commandLine() {
        var main = new Main();
        var cl = new CommandLine(main);
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof HeadwiseException) {
                err.println("headwise: " + e.getMessage());
            } else {
                err.println("headwise: internal error: " + e);
            }
            if (main.verbose) e.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl;
    }
}
