package dev.headwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.Task;
import dev.headwise.model.Tensors;
import dev.headwise.model.TextClassifier;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the HF comparison tests share: targets from JSON labels, and weights compared with HF's. */
final class HfChecks {
    private HfChecks() {}

    /** The token limit the Python scripts give their tokenizers (model_max_length). */
    static final int MAX_LENGTH = 32;
    /** How close headwise's logits, vectors and trained weights must come to HF's. */
    static final double TOLERANCE = 1e-4;

    /** The largest difference between a weight and HF's, and where it is. */
    record WeightDiff(double max, String at) {}

    /** Compares every parameter with HF's flattened weights of the same name (all must be there, no more). */
    static WeightDiff weightDiff(TextClassifier model, JsonNode hfWeights, String what) {
        double max = 0;
        String at = "";
        for (var e : model.parameters().named().entrySet()) {
            JsonNode theirs = hfWeights.get(e.getKey());
            assertTrue(theirs != null, what + ": HF has no parameter " + e.getKey());
            float[] mine = Tensors.toFloats(e.getValue());
            assertEquals(theirs.size(), mine.length, e.getKey());
            for (int k = 0; k < mine.length; k++) {
                double d = Math.abs(mine[k] - theirs.get(k).asDouble());
                if (d > max) {
                    max = d;
                    at = e.getKey() + "[" + k + "]";
                }
            }
        }
        assertEquals(hfWeights.size(), model.parameters().named().size(), what + ": the same parameters as HF");
        return new WeightDiff(max, at);
    }

    /** Targets shaped as {@link dev.headwise.model.Loss} expects, from labels per example (a list each for multilabel and levels). */
    static Tensor targets(Task task, JsonNode labels) {
        int b = labels.size();
        var values = new ArrayList<Long>();
        labels.forEach(l -> {
            if (l.isArray()) l.forEach(v -> values.add(v.asLong()));
            else values.add(l.asLong());
        });
        long[] longs = values.stream().mapToLong(Long::longValue).toArray();
        float[] floats = new float[longs.length];
        for (int i = 0; i < longs.length; i++) floats[i] = longs[i];
        return switch (task) {
            case MULTICLASS -> Tensors.longs(longs, b);
            case BINARY -> Tensors.floats(floats, b);
            case MULTILABEL -> Tensors.floats(floats, b, longs.length / b);
            case HIERARCHICAL -> Tensors.longs(longs, b, longs.length / b);
        };
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }
}
