package dev.headwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Option defaults from a JSON or YAML file given as {@code --config FILE}: keys are long option names
 * without dashes ({@code batch-size: 32}); flags on the command line override them.
 */
final class ConfigFileDefaults implements CommandLine.IDefaultValueProvider {
    private final JsonNode values;
    private final Path file;

    private ConfigFileDefaults(JsonNode values, Path file) {
        this.values = values;
        this.file = file;
    }

    /** Finds {@code --config FILE} (or {@code --config=FILE}) in the arguments, or returns null. */
    static ConfigFileDefaults fromArgs(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) return load(Path.of(args[i + 1]));
            if (args[i].startsWith("--config=")) return load(Path.of(args[i].substring("--config=".length())));
        }
        return null;
    }

    static ConfigFileDefaults load(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        var mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? new ObjectMapper(new YAMLFactory()) : Json.MAPPER;
        try {
            JsonNode node = mapper.readTree(Files.readAllBytes(file));
            if (node == null || !node.isObject()) throw new HeadwiseException(file + " must hold a mapping of option names to values.");
            return new ConfigFileDefaults(node, file);
        } catch (IOException e) {
            throw new HeadwiseException("cannot read config file " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** Fails on keys that name no option of {@code command}, so typos do not pass silently. */
    void requireKnown(CommandLine.Model.CommandSpec command) {
        var unknown = new ArrayList<String>();
        values.fieldNames().forEachRemaining(k -> {
            if (k.equals("config")) return;
            if (command.findOption("--" + k) == null) unknown.add(k);
        });
        if (!unknown.isEmpty()) {
            throw new HeadwiseException(file + ": no option named " + String.join(", ", unknown) + " for '" + command.name() + "'.");
        }
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) return null;
        JsonNode v = values.get(option.longestName().replaceFirst("^--", ""));
        if (v == null || v.isNull()) return null;
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(x.asText()));
            return String.join(",", parts); // multi-value options split on commas
        }
        return v.asText();
    }
}
