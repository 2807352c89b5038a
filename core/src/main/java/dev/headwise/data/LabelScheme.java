package dev.headwise.data;

import dev.headwise.Task;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Where the labels of a table are and how they read; {@link #bind} checks them against a table's columns. */
public sealed interface LabelScheme {

    Task task();

    /** Checks that the table has the scheme's columns and returns the reader of its raw labels. */
    LabelReader bind(TableReader table);

    /** Reads the raw labels of rows and fits a label space to those of the training rows. */
    interface LabelReader {
        /** The raw labels of one row: one value, the active labels (multi-label) or the path (hierarchical). */
        List<String> read(Row row);

        LabelSpace fit(Collection<List<String>> trainingLabels);
    }

    /** One column holding one class per row, for a multi-class or binary task. */
    record ClassColumn(Task task, String column) implements LabelScheme {
        public ClassColumn {
            if (task != Task.MULTICLASS && task != Task.BINARY) {
                throw new HeadwiseException("A single label column serves multiclass or binary tasks, not " + task.id() + ".");
            }
            requireName(column);
        }

        @Override
        public LabelReader bind(TableReader table) {
            table.requireColumns(List.of(column));
            return new LabelReader() {
                @Override
                public List<String> read(Row row) {
                    return List.of(nonEmpty(row, column));
                }

                @Override
                public LabelSpace fit(Collection<List<String>> labels) {
                    List<String> values = labels.stream().map(List::getFirst).toList();
                    return task == Task.BINARY ? LabelSpace.binary(values) : LabelSpace.multiclass(values);
                }
            };
        }
    }

    /**
     * One 0/1 or true/false column per label (yes/no also read), named exactly or by glob patterns such as
     * {@code label_*}; the labels keep the table's column order.
     */
    record FlagColumns(List<String> patterns) implements LabelScheme {
        public FlagColumns {
            patterns = List.copyOf(patterns);
            if (patterns.isEmpty()) {
                throw new HeadwiseException("A multi-label task needs at least one label column.");
            }
        }

        @Override
        public Task task() {
            return Task.MULTILABEL;
        }

        @Override
        public LabelReader bind(TableReader table) {
            List<String> columns = resolve(table);
            return new LabelReader() {
                @Override
                public List<String> read(Row row) {
                    return columns.stream().filter(column -> flag(row, column)).toList();
                }

                @Override
                public LabelSpace fit(Collection<List<String>> labels) {
                    return LabelSpace.multiLabel(columns);
                }
            };
        }

        private List<String> resolve(TableReader table) {
            List<String> exact = patterns.stream().filter(p -> !isGlob(p)).toList();
            table.requireColumns(exact);
            List<Pattern> globs = patterns.stream().filter(FlagColumns::isGlob).map(FlagColumns::globRegex).toList();
            List<String> columns = table.columns().stream()
                    .filter(c -> exact.contains(c) || globs.stream().anyMatch(g -> g.matcher(c).matches()))
                    .toList();
            if (columns.isEmpty()) {
                throw new HeadwiseException("No column of " + table.source() + " matches " + String.join(", ", patterns)
                        + "; the available columns are " + String.join(", ", table.columns()) + ".");
            }
            return columns;
        }

        private static boolean isGlob(String pattern) {
            return pattern.contains("*") || pattern.contains("?");
        }

        private static Pattern globRegex(String glob) {
            StringBuilder regex = new StringBuilder();
            for (char c : glob.toCharArray()) {
                regex.append(switch (c) {
                    case '*' -> ".*";
                    case '?' -> ".";
                    default -> Pattern.quote(String.valueOf(c));
                });
            }
            return Pattern.compile(regex.toString());
        }

        private static boolean flag(Row row, String column) {
            String value = row.get(column).trim().toLowerCase(Locale.ROOT);
            return switch (value) {
                case "1", "1.0", "true", "yes" -> true;
                case "0", "0.0", "false", "no" -> false;
                default -> throw new HeadwiseException("Line " + row.line() + " of " + row.source() + " holds '" + value
                        + "' in the label column '" + column + "'; expected 0/1 or true/false.");
            };
        }
    }

    /**
     * One column listing each row's labels: a JSON array such as {@code ["a","b"]}, or names joined by
     * {@code separator} such as {@code a|b}; an empty value means no label. Labels are sorted by name.
     */
    record ListColumn(String column, String separator) implements LabelScheme {

        public ListColumn {
            requireName(column);
            if (separator == null || separator.isEmpty()) {
                throw new HeadwiseException("The label list separator must not be empty.");
            }
        }

        @Override
        public Task task() {
            return Task.MULTILABEL;
        }

        @Override
        public LabelReader bind(TableReader table) {
            table.requireColumns(List.of(column));
            return new LabelReader() {
                @Override
                public List<String> read(Row row) {
                    return List.copyOf(new TreeSet<>(split(row)));
                }

                @Override
                public LabelSpace fit(Collection<List<String>> labels) {
                    TreeSet<String> names = new TreeSet<>();
                    labels.forEach(names::addAll);
                    if (names.isEmpty()) {
                        throw new HeadwiseException("The label column '" + column + "' of " + table.source() + " names no label.");
                    }
                    return LabelSpace.multiLabel(List.copyOf(names));
                }
            };
        }

        private List<String> split(Row row) {
            String value = row.get(column).trim();
            if (!value.startsWith("[")) {
                return Arrays.stream(value.split(Pattern.quote(separator))).map(String::trim).filter(s -> !s.isEmpty()).toList();
            }
            try {
                JsonNode array = Json.MAPPER.readTree(value);
                List<String> labels = new ArrayList<>();
                for (JsonNode element : array) {
                    if (!element.isValueNode() || element.isNull()) {
                        throw new HeadwiseException("Line " + row.line() + " of " + row.source() + " lists a non-text label in column '"
                                + column + "'.");
                    }
                    labels.add(element.asText().trim());
                }
                return labels.stream().filter(s -> !s.isEmpty()).toList();
            } catch (JsonProcessingException e) {
                throw new HeadwiseException("Line " + row.line() + " of " + row.source() + " holds an invalid JSON array in column '"
                        + column + "'.", e);
            }
        }
    }

    /**
     * One column holding a path such as {@code comp.sys.mac.hardware}, split on {@code separator}. With
     * {@code levels > 0} the path is split into at most that many parts (the last keeps the rest); with 0 the
     * depth is the deepest training path. Shorter paths get {@link LabelSpace#NONE} below their end. Level names
     * default to {@code level_1}, {@code level_2}, ...
     */
    record PathColumn(String column, String separator, int levels, List<String> levelNames) implements LabelScheme {
        public PathColumn {
            requireName(column);
            if (separator == null || separator.isEmpty()) {
                throw new HeadwiseException("The label path separator must not be empty.");
            }
            if (levels < 0) {
                throw new HeadwiseException("The number of label levels must be positive (or 0 to infer it), not " + levels + ".");
            }
            levelNames = levelNames == null ? List.of() : List.copyOf(levelNames);
            if (!levelNames.isEmpty() && levels > 0 && levelNames.size() != levels) {
                throw new HeadwiseException(levelNames.size() + " level names were given for " + levels + " label levels.");
            }
        }

        @Override
        public Task task() {
            return Task.HIERARCHICAL;
        }

        @Override
        public LabelReader bind(TableReader table) {
            table.requireColumns(List.of(column));
            return new LabelReader() {
                @Override
                public List<String> read(Row row) {
                    return List.of(nonEmpty(row, column).split(Pattern.quote(separator), levels == 0 ? -1 : levels));
                }

                @Override
                public LabelSpace fit(Collection<List<String>> paths) {
                    int depth = levels > 0 ? levels : paths.stream().mapToInt(List::size).max().orElse(1);
                    List<String> names = levelNames;
                    if (names.isEmpty()) {
                        names = java.util.stream.IntStream.rangeClosed(1, depth).mapToObj(i -> "level" + i).toList();
                    } else if (names.size() != depth) {
                        throw new HeadwiseException(names.size() + " level names were given but the labels of " + table.source()
                                + " have " + depth + " levels.");
                    }
                    return LabelSpace.hierarchical(names, paths.stream().map(p -> padded(p, depth)).toList());
                }
            };
        }
    }

    /** One column per level, parent first; an empty value means {@link LabelSpace#NONE}. Levels take the column names. */
    record LevelColumns(List<String> columns) implements LabelScheme {
        public LevelColumns {
            columns = List.copyOf(columns);
            if (columns.isEmpty()) {
                throw new HeadwiseException("A hierarchical task needs at least one label column.");
            }
        }

        @Override
        public Task task() {
            return Task.HIERARCHICAL;
        }

        @Override
        public LabelReader bind(TableReader table) {
            table.requireColumns(columns);
            return new LabelReader() {
                @Override
                public List<String> read(Row row) {
                    return columns.stream().map(c -> row.get(c).trim()).map(v -> v.isEmpty() ? LabelSpace.NONE : v).toList();
                }

                @Override
                public LabelSpace fit(Collection<List<String>> paths) {
                    return LabelSpace.hierarchical(columns, paths);
                }
            };
        }
    }

    private static List<String> padded(List<String> path, int depth) {
        List<String> result = new ArrayList<>(path);
        while (result.size() < depth) {
            result.add(LabelSpace.NONE);
        }
        return result;
    }

    private static String nonEmpty(Row row, String column) {
        String value = row.get(column).trim();
        if (value.isEmpty()) {
            throw new HeadwiseException("Line " + row.line() + " of " + row.source() + " has an empty label in column '" + column + "'.");
        }
        return value;
    }

    private static void requireName(String column) {
        if (column == null || column.isBlank()) {
            throw new HeadwiseException("A label column name must not be empty.");
        }
    }
}
