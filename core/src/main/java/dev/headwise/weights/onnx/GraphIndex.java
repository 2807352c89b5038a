package dev.headwise.weights.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Lookups over an {@link OnnxGraph}: who produces and who consumes a tensor, and constant values. */
final class GraphIndex {
    static final int SMALL = 64;

    private final OnnxGraph graph;
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();

    GraphIndex(OnnxGraph graph) {
        this.graph = graph;
        for (OnnxNode node : graph.nodes()) {
            for (String out : node.outputs()) {
                producers.put(out, node);
            }
            for (String in : node.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
            }
        }
    }

    OnnxGraph graph() {
        return graph;
    }

    Optional<OnnxNode> producer(String tensor) {
        return Optional.ofNullable(producers.get(tensor));
    }

    List<OnnxNode> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    Optional<TensorProto> initializer(String name) {
        return Optional.ofNullable(graph.initializers().get(name));
    }

    /**
     * The value of a small constant tensor (an initializer or a Constant node's output, at most
     * {@value #SMALL} elements), flattened: shapes and scalars, never weights.
     */
    Optional<double[]> smallConstant(String name) {
        Optional<TensorProto> init = initializer(name);
        if (init.isPresent()) {
            return numeric(init.get());
        }
        return producer(name).filter(n -> n.opType().equals("Constant")).flatMap(GraphIndex::constantNodeValue);
    }

    private static Optional<double[]> constantNodeValue(OnnxNode node) {
        for (OnnxAttribute a : node.attributes().values()) {
            switch (a.name()) {
                case "value" -> {
                    return a.t() == null ? Optional.empty() : numeric(a.t());
                }
                case "value_float" -> {
                    return Optional.of(new double[] {a.f()});
                }
                case "value_int" -> {
                    return Optional.of(new double[] {a.i()});
                }
                case "value_floats" -> {
                    float[] f = a.floats();
                    double[] d = new double[f.length];
                    for (int i = 0; i < f.length; i++) {
                        d[i] = f[i];
                    }
                    return Optional.of(d);
                }
                case "value_ints" -> {
                    long[] v = a.ints();
                    double[] d = new double[v.length];
                    for (int i = 0; i < v.length; i++) {
                        d[i] = v[i];
                    }
                    return Optional.of(d);
                }
                default -> {
                    // other attributes (e.g. sparse_value) carry nothing we read
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<double[]> numeric(TensorProto t) {
        if (t.elementCount() > SMALL) {
            return Optional.empty();
        }
        if (t.isFloatingPoint()) {
            float[] f = t.toFloats();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return Optional.of(d);
        }
        if (t.isInteger()) {
            long[] v = t.toLongs();
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            return Optional.of(d);
        }
        return Optional.empty();
    }
}
