package dev.headwise.data;

import dev.headwise.HeadwiseException;
import java.util.List;
import java.util.Map;

/** Typed access to JSON-like maps, with a clear error for a missing or mistyped key. */
final class ConfigValues {
    private ConfigValues() {}

    static Object value(Map<String, ?> map, String key) {
        Object value = map.get(key);
        if (value == null) {
            throw new HeadwiseException("The label config lacks the key '" + key + "'.");
        }
        return value;
    }

    static String string(Map<String, ?> map, String key) {
        if (value(map, key) instanceof String text) {
            return text;
        }
        throw new HeadwiseException("The label config key '" + key + "' must be a string.");
    }

    static Map<String, ?> map(Map<String, ?> map, String key) {
        return asMap(value(map, key), key);
    }

    @SuppressWarnings("unchecked")
    static Map<String, ?> asMap(Object value, String key) {
        if (value instanceof Map<?, ?> m && m.keySet().stream().allMatch(String.class::isInstance)) {
            return (Map<String, ?>) m;
        }
        throw new HeadwiseException("The label config key '" + key + "' must be a JSON object.");
    }

    static List<?> list(Map<String, ?> map, String key) {
        if (value(map, key) instanceof List<?> list) {
            return list;
        }
        throw new HeadwiseException("The label config key '" + key + "' must be a JSON array.");
    }

    static List<String> strings(Map<String, ?> map, String key) {
        List<?> list = list(map, key);
        if (!list.stream().allMatch(String.class::isInstance)) {
            throw new HeadwiseException("The label config key '" + key + "' must be an array of strings.");
        }
        return list.stream().map(String.class::cast).toList();
    }
}
