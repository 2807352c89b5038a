package dev.headwise.cli;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --help} shows the defaults, marks what is required, and says where evaluate's defaults come from. */
class HelpTextTest {
    /** The help text of one option, its continuation lines joined. */
    private static String option(String help, String name) {
        var m = Pattern.compile("(?m)^\\s+" + Pattern.quote(name) + "\\S*(.*(?:\\n {20,}.*)*)").matcher(help);
        assertTrue(m.find(), name + " in\n" + help);
        return m.group(1).replaceAll("\\s+", " ");
    }

    @Test
    void trainShowsItsDefaultsAndRequiresTheTask() {
        String help = CliRunner.run("train", "--help").out();
        assertTrue(option(help, "--epochs").contains("(default: 3)"), help);
        assertTrue(option(help, "--batch-size").contains("(default: 16)"), help);
        assertTrue(option(help, "--lr").contains("(default: 5e-5)"), help);
        assertTrue(option(help, "--max-length").contains("(default: 128;"), help);
        assertTrue(option(help, "--metric").contains("lower eval_loss, then the later step"), help);
        assertTrue(help.contains(" --task=TASK ") && !help.contains("[--task=TASK]"), "required in the synopsis: " + help);
        assertTrue(help.indexOf("--task=TASK  ") < help.indexOf("--label-column=NAME  "), "the task keeps its place");

        var noTask = CliRunner.run("train", "--data", "d.csv", "--model", "m", "--out", "o");
        assertEquals(2, noTask.exitCode());
        assertTrue(noTask.err().contains("Missing required option: '--task=TASK'"), noTask.err());
    }

    @Test
    void evaluateSaysItsColumnsDefaultToTheTrainedOnes() {
        String help = CliRunner.run("evaluate", "--help").out();
        assertTrue(option(help, "--label-column").contains("Default: as the model was trained."), help);
        assertTrue(option(help, "--task").contains("Default: as the model was trained."), help);
        assertFalse(help.contains("Default: label"), help);
        assertTrue(option(help, "--batch-size").contains("(default: 64)"), help);
    }

    @Test
    void demoRefusesFullTogetherWithATrainSize() {
        var r = CliRunner.run("demo", "--full", "--train-size", "100", "--out", "never-made");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--full or --train-size, not both"), r.err());
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("never-made")));
    }
}
