package dev.headwise.cli;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.data.ColumnSpec;
import dev.headwise.data.DatasetSpec;
import dev.headwise.data.EmptyTextPolicy;
import dev.headwise.data.LabelScheme;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * Which columns hold the text and the labels. {@code train} saves them with the model, so {@code evaluate}
 * can default to them.
 */
final class DataOptions {
    @Option(names = "--text-column", split = ",", paramLabel = "NAME",
            description = "Text column; repeat to join several (e.g. subject and body). Default: text.")
    List<String> textColumns;

    @Option(names = "--text-separator", paramLabel = "S", description = "Put between joined text columns (default: newline).")
    String textSeparator;

    @Option(names = "--task", paramLabel = "TASK", description = "multiclass, binary, multilabel or hierarchical.")
    String task;

    @Option(names = "--label-column", paramLabel = "NAME",
            description = "The label column (multilabel: a list column such as a|b or [\"a\",\"b\"]; "
                    + "hierarchical: a path such as comp.sys.mac). Default: label.")
    String labelColumn;

    @Option(names = "--label-columns", split = ",", paramLabel = "NAME",
            description = "multilabel: one 0/1 column per label (names or globs like label_*); "
                    + "hierarchical: one column per level.")
    List<String> labelColumns;

    @Option(names = "--label-separator", paramLabel = "S", description = "Separator of a multilabel list column (default: |).")
    String labelSeparator;

    @Option(names = "--level-separator", paramLabel = "S", description = "Separator of hierarchical paths (default: .).")
    String levelSeparator;

    @Option(names = "--levels", paramLabel = "N", description = "Levels of hierarchical paths; shorter ones get 'none' (default: the deepest seen).")
    Integer levels;

    @Option(names = "--skip-empty", description = "Skip rows with empty text (counted) instead of failing.")
    boolean skipEmpty;

    /** Fills options the user did not give from those saved with a model (null: none saved). */
    void defaultsFrom(ColumnSpec saved) {
        if (saved == null) return;
        if (textColumns == null) textColumns = saved.textColumns();
        if (textSeparator == null) textSeparator = saved.textSeparator();
        if (task == null && saved.task() != null) task = saved.task().id();
        if (labelColumn == null && labelColumns == null) {
            labelColumn = saved.labelColumn();
            labelColumns = saved.labelColumns();
        }
        if (labelSeparator == null) labelSeparator = saved.labelSeparator();
        if (levelSeparator == null) levelSeparator = saved.levelSeparator();
        if (levels == null) levels = saved.levels();
    }

    Task task() {
        if (task == null) throw new HeadwiseException("--task is required (multiclass, binary, multilabel or hierarchical).");
        return Task.parse(task);
    }

    DatasetSpec spec() {
        List<String> text = textColumns != null ? textColumns : List.of("text");
        return new DatasetSpec(text, textSeparator != null ? textSeparator : DatasetSpec.DEFAULT_SEPARATOR, scheme(),
                skipEmpty ? EmptyTextPolicy.SKIP : EmptyTextPolicy.ERROR, null);
    }

    private LabelScheme scheme() {
        Task t = task();
        if (labelColumn != null && labelColumns != null) {
            throw new HeadwiseException("give either --label-column or --label-columns, not both.");
        }
        String column = labelColumn != null ? labelColumn : "label";
        return switch (t) {
            case MULTICLASS, BINARY -> {
                if (labelColumns != null) throw new HeadwiseException("a " + t.id() + " task reads one --label-column.");
                yield new LabelScheme.ClassColumn(t, column);
            }
            case MULTILABEL -> labelColumns != null ? new LabelScheme.FlagColumns(labelColumns)
                    : new LabelScheme.ListColumn(column, labelSeparator != null ? labelSeparator : "|");
            case HIERARCHICAL -> labelColumns != null ? new LabelScheme.LevelColumns(labelColumns)
                    : new LabelScheme.PathColumn(column, levelSeparator != null ? levelSeparator : ".",
                    levels != null ? levels : 0, List.of());
        };
    }
}
