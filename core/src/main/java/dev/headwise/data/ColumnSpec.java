package dev.headwise.data;

import dev.headwise.HeadwiseException;
import dev.headwise.Task;

import java.util.List;

/**
 * The columns a model was trained on, which {@code evaluate} and {@code predict} default to. Every field is
 * null where the training run did not set it.
 *
 * @param textColumns    the text columns, joined by {@code textSeparator}
 * @param labelColumn    the one label column; never given together with {@code labelColumns}
 * @param labelColumns   one column per label (multilabel) or per level (hierarchical)
 * @param labelSeparator the separator of a multilabel list column
 * @param levelSeparator the separator of hierarchical paths
 * @param levels         the levels of hierarchical paths (0: the deepest seen); at least 0
 */
public record ColumnSpec(List<String> textColumns, String textSeparator, Task task, String labelColumn,
                         List<String> labelColumns, String labelSeparator, String levelSeparator, Integer levels) {
    public ColumnSpec {
        textColumns = textColumns == null ? null : List.copyOf(textColumns);
        labelColumns = labelColumns == null ? null : List.copyOf(labelColumns);
        if (labelColumn != null && labelColumns != null) {
            throw new HeadwiseException("a model records either one label column or several, not both.");
        }
        if (levels != null && levels < 0) throw new HeadwiseException("a model's label levels must be at least 0, not " + levels + ".");
    }

    /** The columns {@code spec} reads, as a model records them. */
    public static ColumnSpec of(DatasetSpec spec) {
        List<String> text = spec.textColumns();
        String separator = spec.textSeparator();
        Task task = spec.labels().task();
        return switch (spec.labels()) {
            case LabelScheme.ClassColumn c -> new ColumnSpec(text, separator, task, c.column(), null, null, null, null);
            case LabelScheme.ListColumn c -> new ColumnSpec(text, separator, task, c.column(), null, c.separator(), null, null);
            case LabelScheme.FlagColumns c -> new ColumnSpec(text, separator, task, null, c.patterns(), null, null, null);
            case LabelScheme.PathColumn c -> new ColumnSpec(text, separator, task, c.column(), null, null, c.separator(),
                    c.levels() > 0 ? c.levels() : null);
            case LabelScheme.LevelColumns c -> new ColumnSpec(text, separator, task, null, c.columns(), null, null, null);
        };
    }
}
