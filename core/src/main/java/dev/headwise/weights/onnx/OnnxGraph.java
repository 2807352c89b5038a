package dev.headwise.weights.onnx;

import dev.headwise.HeadwiseException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph of an ONNX model: its nodes in file order, its initializers by name, and the names of its
 * inputs and outputs. Everything else in the file is skipped.
 */
public record OnnxGraph(List<OnnxNode> nodes, Map<String, TensorProto> initializers,
                        List<String> inputs, List<String> outputs) {

    public OnnxGraph {
        nodes = List.copyOf(nodes);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /**
     * Parses a serialized {@code ModelProto}. Slices of {@code bytes} back the tensor data, so the array
     * must not change afterwards.
     *
     * @param source names the file in error messages
     * @throws HeadwiseException if the bytes are not a well-formed ONNX model with a graph
     */
    public static OnnxGraph parse(byte[] bytes, String source) {
        ProtoReader model = new ProtoReader(bytes, source);
        OnnxGraph graph = null;
        while (model.nextField()) {
            if (model.field() == 7) {
                graph = read(model.message());
            } else {
                model.skip();
            }
        }
        if (graph == null) {
            throw new HeadwiseException("The file " + source + " is not an ONNX model: it contains no graph.");
        }
        return graph;
    }

    private static OnnxGraph read(ProtoReader r) {
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, TensorProto> initializers = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        while (r.nextField()) {
            switch (r.field()) {
                case 1 -> nodes.add(OnnxNode.read(r.message()));
                case 5 -> {
                    TensorProto t = TensorProto.read(r.message());
                    if (initializers.put(t.name(), t) != null) {
                        throw r.malformed("the initializer '" + t.name() + "' is defined twice");
                    }
                }
                case 11 -> inputs.add(valueInfoName(r.message()));
                case 12 -> outputs.add(valueInfoName(r.message()));
                default -> r.skip();
            }
        }
        return new OnnxGraph(nodes, initializers, inputs, outputs);
    }

    private static String valueInfoName(ProtoReader r) {
        String name = "";
        while (r.nextField()) {
            if (r.field() == 1) {
                name = r.string();
            } else {
                r.skip();
            }
        }
        return name;
    }
}
