package dev.headwise.cli;

import dev.headwise.HeadwiseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;

/** The {@code headwise} command line. */
@Command(name = "headwise", mixinStandardHelpOptions = true, versionProvider = InfoCommand.Version.class,
        description = "Fine-tune and serve DistilBERT/BERT text classifiers on libtorch.",
        subcommands = {DemoCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class,
                dev.headwise.spark.SparkCommand.class,
                EncodeCommand.class, ExportCommand.class, ImportCommand.class, InfoCommand.class, DatasetCommand.class,
                BenchCommand.class, CalibrateCommand.class, CommandLine.HelpCommand.class, AotTrainingRunCommand.class,
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
        describeDataOptions(cl);
        return cl;
    }

    /**
     * The data options are shared, but read differently: {@code train} needs {@code --task} and defaults the
     * columns to text and label, {@code evaluate} defaults all of them to what the model was trained with.
     */
    private static void describeDataOptions(CommandLine cl) {
        var train = cl.getSubcommands().get("train").getCommandSpec();
        redescribe(train, "--task", true, "multiclass, binary, multilabel or hierarchical.");
        var evaluate = cl.getSubcommands().get("evaluate").getCommandSpec();
        for (String name : List.of("--task", "--text-column", "--label-column", "--label-columns", "--text-separator",
                "--label-separator", "--level-separator", "--levels")) {
            String text = String.join(" ", evaluate.findOption(name).description())
                    .replaceAll(" ?\\(?[Dd]efault: [^)]*\\)?\\.?$", "");
            redescribe(evaluate, name, false, text + (text.endsWith(".") ? "" : ".") + " Default: as the model was trained.");
        }
    }

    /** Replaces an option by a copy with another description, keeping its place in the help. */
    private static void redescribe(CommandLine.Model.CommandSpec command, String name, boolean required, String description) {
        var options = List.copyOf(command.options());
        var option = command.findOption(name);
        var after = options.subList(options.indexOf(option), options.size());
        after.forEach(command::remove);
        command.addOption(CommandLine.Model.OptionSpec.builder(option).required(required).description(description).build());
        after.subList(1, after.size()).forEach(command::addOption);
    }
}
