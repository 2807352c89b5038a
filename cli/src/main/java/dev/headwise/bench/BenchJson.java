package dev.headwise.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.headwise.HeadwiseException;
import dev.headwise.io.AtomicFiles;

import java.nio.file.Path;

/** Benchmark reports as JSON: record components in snake_case, e.g. {@code rooflineGflops} as {@code roofline_gflops}. */
public final class BenchJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private BenchJson() {}

    public static String toJson(Object report) {
        try {
            return MAPPER.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + report.getClass().getSimpleName(), e);
        }
    }

    /** A report {@link #toJson} wrote, read back. */
    public static <T> T fromJson(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new HeadwiseException("cannot read a " + type.getSimpleName() + " from '" + json.strip() + "': "
                    + e.getOriginalMessage(), e);
        }
    }

    public static void write(Object report, Path file) {
        try {
            AtomicFiles.write(file, (toJson(report) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new HeadwiseException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
