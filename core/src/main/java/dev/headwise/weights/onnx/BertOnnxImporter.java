package dev.headwise.weights.onnx;

import dev.headwise.HeadwiseException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports the encoder weights of a BERT ONNX export (as written by {@code torch.onnx.export} of a HF
 * {@code BertModel}) into HF parameter names and layouts, in pure Java.
 *
 * <p>Such exports keep HF names for embeddings, biases and LayerNorms, but their linear weights are
 * anonymous initializers stored [in, out] for {@code MatMul}. Each one is named after the bias its MatMul
 * output is added to ({@code ...query.bias} names {@code ...query.weight}) and transposed to [out, in].
 * {@code Gemm} nodes and explicit {@code Transpose} nodes are honoured too. The head count, layer-norm
 * epsilon and activation are read from the graph, the sizes from the tensor shapes.
 */
public final class BertOnnxImporter {
    private static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d{1,4})\\.");
    /** How far from a projection output the attention reshape / activation may be found. */
    private static final int SEARCH_DEPTH = 8;

    private final String source;
    private final GraphIndex index;
    private final String prefix;
    private final Map<String, GraphLinear> linears = new HashMap<>();

    /** A linear layer as the graph computes it, a MatMul or Gemm before a bias add; {@code inOut}: its weight is stored [in, out]. */
    private record GraphLinear(TensorProto weight, boolean inOut, String output) {
        long outFeatures() {
            return weight.dim(inOut ? 1 : 0);
        }
    }

    private BertOnnxImporter(OnnxGraph graph, String source) {
        this.source = source;
        this.index = new GraphIndex(graph);
        this.prefix = findPrefix(graph);
    }

    /** Imports the encoder of the ONNX model in {@code onnxFile}. */
    public static ImportedEncoder importEncoder(Path onnxFile) {
        return importEncoder(readModelFile(onnxFile), onnxFile.toString());
    }

    /** Imports the encoder of a bundled model from the classpath. */
    public static ImportedEncoder importEncoder(BundledModel model) {
        return importEncoder(model.readOnnx(), model.onnxResource());
    }

    /**
     * Imports the encoder of a serialized ONNX model; {@code bytes} must not change afterwards.
     *
     * @param source names the model in error messages
     */
    public static ImportedEncoder importEncoder(byte[] bytes, String source) {
        return new BertOnnxImporter(OnnxGraph.parse(bytes, source), source).run();
    }

    static byte[] readModelFile(Path file) {
        try {
            // Protobuf caps a message at 2 GiB; checking first avoids a doomed huge allocation.
            if (Files.size(file) > Integer.MAX_VALUE - 8) {
                throw new HeadwiseException("The ONNX file " + file
                        + " is larger than 2 GiB, the protobuf limit; its weights must be in external data, which headwise cannot read.");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new HeadwiseException("Cannot read the ONNX file " + file + ": " + e.getMessage() + ".", e);
        }
    }

    private ImportedEncoder run() {
        findLinears();
        TensorProto word = named(WORD_EMBEDDINGS).orElseThrow();
        if (word.rank() != 2) {
            throw fail("its tensor " + WORD_EMBEDDINGS + " has shape " + Arrays.toString(word.dims()) + " instead of [vocab, hidden]");
        }
        int layers = countLayers();
        boolean pooler = named("pooler.dense.bias").isPresent();
        List<String> names = requiredNames(layers, pooler);
        List<String> missing = names.stream().filter(n -> !isAvailable(n)).toList();
        if (!missing.isEmpty()) {
            throw fail("the BERT tensor(s) " + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                    + (missing.size() > 5 ? " and " + (missing.size() - 5) + " more" : "")
                    + " cannot be found in it; it may not be a BERT encoder export");
        }
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        for (String name : names) {
            tensors.put(name, load(name));
        }
        int hidden = (int) word.dim(1);
        BertShape shape = new BertShape(
                (int) word.dim(0),
                hidden,
                layers,
                headCount(hidden),
                (int) tensors.get("encoder.layer.0.intermediate.dense.weight").shape()[0],
                (int) tensors.get("embeddings.position_embeddings.weight").shape()[0],
                (int) tensors.get("embeddings.token_type_embeddings.weight").shape()[0],
                layerNormEps(),
                activation());
        checkShapes(tensors, shape);
        return new ImportedEncoder(tensors, shape);
    }

    private String findPrefix(OnnxGraph graph) {
        List<String> candidates = graph.initializers().keySet().stream().filter(n -> n.endsWith(WORD_EMBEDDINGS)).toList();
        if (candidates.size() != 1) {
            throw fail(candidates.isEmpty()
                    ? "it has no " + WORD_EMBEDDINGS + " initializer, so it is not a BERT export headwise can read"
                    : "it has several word-embedding initializers " + candidates + ", so the encoder is ambiguous");
        }
        String name = candidates.getFirst();
        return name.substring(0, name.length() - WORD_EMBEDDINGS.length());
    }

    /** The initializer with this HF name (prefix added), if any. */
    private Optional<TensorProto> named(String hfName) {
        return index.initializer(prefix + hfName);
    }

    private void findLinears() {
        for (OnnxNode node : index.graph().nodes()) {
            List<String> in = node.inputs();
            if (node.opType().equals("Add") && in.size() == 2 && !node.outputs().isEmpty()) {
                for (int k = 0; k < 2; k++) {
                    String bias = in.get(k);
                    if (isBias(bias)) {
                        index.producer(in.get(1 - k))
                                .filter(p -> p.opType().equals("MatMul") && p.inputs().size() == 2)
                                .flatMap(mm -> weight(mm.inputs().get(1), true, node.outputs().getFirst()))
                                .ifPresent(linear -> register(bias, linear));
                    }
                }
            } else if (node.opType().equals("Gemm") && in.size() == 3 && isBias(in.get(2)) && !node.outputs().isEmpty()) {
                boolean transA = node.attribute("transA").map(a -> a.i() != 0).orElse(false);
                boolean transB = node.attribute("transB").map(a -> a.i() != 0).orElse(false);
                if (!transA) {
                    weight(in.get(1), !transB, node.outputs().getFirst()).ifPresent(l -> register(in.get(2), l));
                }
            }
        }
    }

    /** The rank-2 float weight behind a MatMul/Gemm operand: an initializer, possibly through a Transpose. */
    private Optional<GraphLinear> weight(String operand, boolean inOut, String output) {
        Optional<TensorProto> direct = index.initializer(operand).filter(BertOnnxImporter::isMatrix);
        if (direct.isPresent()) {
            return Optional.of(new GraphLinear(direct.get(), inOut, output));
        }
        return index.producer(operand)
                .filter(t -> t.opType().equals("Transpose") && t.inputs().size() == 1)
                .filter(t -> t.attribute("perm").map(p -> Arrays.equals(p.ints(), new long[] {1, 0})).orElse(true))
                .flatMap(t -> index.initializer(t.inputs().getFirst()))
                .filter(BertOnnxImporter::isMatrix)
                .map(w -> new GraphLinear(w, !inOut, output));
    }

    private static boolean isMatrix(TensorProto t) {
        return t.rank() == 2 && t.isFloatingPoint();
    }

    private boolean isBias(String name) {
        return name.startsWith(prefix) && name.endsWith(".bias")
                && index.initializer(name).filter(t -> t.rank() == 1 && t.isFloatingPoint()).isPresent();
    }

    private void register(String biasName, GraphLinear linear) {
        String hfBias = biasName.substring(prefix.length());
        String hfWeight = hfBias.substring(0, hfBias.length() - ".bias".length()) + ".weight";
        long biasLength = index.initializer(biasName).orElseThrow().dim(0);
        if (linear.outFeatures() != biasLength) {
            throw fail("the weight " + linear.weight().name() + " added to " + hfBias + " has "
                    + linear.outFeatures() + " outputs but the bias has " + biasLength);
        }
        GraphLinear previous = linears.putIfAbsent(hfWeight, linear);
        if (previous != null && previous.weight() != linear.weight()) {
            throw fail("both " + previous.weight().name() + " and " + linear.weight().name()
                    + " are multiplied before adding " + hfBias + ", so " + hfWeight + " is ambiguous");
        }
    }

    private int countLayers() {
        int max = -1;
        for (String name : index.graph().initializers().keySet()) {
            if (name.startsWith(prefix)) {
                Matcher m = LAYER.matcher(name.substring(prefix.length()));
                if (m.find()) {
                    max = Math.max(max, Integer.parseInt(m.group(1)));
                }
            }
        }
        if (max < 0) {
            throw fail("it has no encoder.layer.N tensors");
        }
        return max + 1;
    }

    private static List<String> requiredNames(int layers, boolean pooler) {
        List<String> names = new ArrayList<>(List.of(
                WORD_EMBEDDINGS,
                "embeddings.position_embeddings.weight",
                "embeddings.token_type_embeddings.weight",
                "embeddings.LayerNorm.weight",
                "embeddings.LayerNorm.bias"));
        for (int i = 0; i < layers; i++) {
            String l = "encoder.layer." + i + ".";
            for (String module : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense",
                    "output.LayerNorm")) {
                names.add(l + module + ".weight");
                names.add(l + module + ".bias");
            }
        }
        if (pooler) {
            names.add("pooler.dense.weight");
            names.add("pooler.dense.bias");
        }
        return names;
    }

    /** Linear weights come only from the graph mapping: a square matrix's orientation cannot be guessed. */
    private static boolean isLinearWeight(String name) {
        return name.endsWith(".weight") && !name.startsWith("embeddings.") && !name.contains("LayerNorm");
    }

    private boolean isAvailable(String name) {
        return isLinearWeight(name) ? linears.containsKey(name) : named(name).isPresent();
    }

    private OnnxTensor load(String name) {
        if (isLinearWeight(name)) {
            GraphLinear linear = linears.get(name);
            TensorProto w = linear.weight();
            float[] values = w.toFloats();
            int rows = (int) w.dim(0);
            int cols = (int) w.dim(1);
            return linear.inOut()
                    ? new OnnxTensor(name, new long[] {cols, rows}, transpose(values, rows, cols))
                    : new OnnxTensor(name, new long[] {rows, cols}, values);
        }
        TensorProto t = named(name).orElseThrow();
        if (!t.isFloatingPoint()) {
            throw fail("its tensor " + t.name() + " has the non-floating-point data type " + t.dataType());
        }
        return new OnnxTensor(name, t.dims(), t.toFloats());
    }

    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    /**
     * The head count: from the 4-element shape the query projection is reshaped to ([batch, seq, heads,
     * head_dim], a constant or a Concat of constants), else from the sqrt(head_dim) the scores are divided by.
     */
    private int headCount(int hidden) {
        String query = linears.get("encoder.layer.0.attention.self.query.weight").output();
        Deque<String> frontier = new ArrayDeque<>(List.of(query));
        Set<String> seen = new HashSet<>(frontier);
        int fromScale = 0;
        for (int depth = 0; depth < SEARCH_DEPTH && !frontier.isEmpty(); depth++) {
            Deque<String> next = new ArrayDeque<>();
            for (String tensor : frontier) {
                for (OnnxNode node : index.consumers(tensor)) {
                    if (node.opType().equals("Reshape") && node.inputs().size() >= 2) {
                        int heads = headsFromReshape(node.inputs().get(1), hidden);
                        if (heads > 0) {
                            return heads;
                        }
                    }
                    if (fromScale == 0 && (node.opType().equals("Div") || node.opType().equals("Mul"))) {
                        fromScale = headsFromScale(node, tensor, hidden);
                    }
                    for (String out : node.outputs()) {
                        if (seen.add(out)) {
                            next.add(out);
                        }
                    }
                }
            }
            frontier = next;
        }
        if (fromScale > 0) {
            return fromScale;
        }
        throw fail("the number of attention heads cannot be determined from its graph (no reshape of the query"
                + " projection to [batch, seq, heads, head_dim] and no score scaling by sqrt(head_dim) was found)");
    }

    /** Heads from a Reshape target [batch, seq, heads, head_dim]; 0 if it is not one. */
    private int headsFromReshape(String shapeTensor, int hidden) {
        double[] shape = index.smallConstant(shapeTensor).orElse(null);
        if (shape == null) {
            OnnxNode concat = index.producer(shapeTensor).filter(n -> n.opType().equals("Concat")).orElse(null);
            if (concat == null || concat.inputs().size() != 4) {
                return 0;
            }
            shape = new double[4];
            for (int i = 2; i < 4; i++) {
                double[] part = index.smallConstant(concat.inputs().get(i)).orElse(null);
                if (part == null || part.length != 1) {
                    return 0;
                }
                shape[i] = part[0];
            }
        }
        if (shape.length != 4) {
            return 0;
        }
        long heads = (long) shape[2];
        long headDim = (long) shape[3];
        if (heads > 0 && hidden % heads == 0 && (headDim <= 0 || heads * headDim == hidden)) {
            return (int) heads;
        }
        return headDim > 0 && hidden % headDim == 0 ? (int) (hidden / headDim) : 0;
    }

    /** Heads from scores divided by sqrt(d) or multiplied by 1/sqrt(d), d the head dim; 0 if not that. */
    private int headsFromScale(OnnxNode node, String operand, int hidden) {
        if (node.inputs().size() != 2 || !node.inputs().getFirst().equals(operand) && !node.inputs().get(1).equals(operand)) {
            return 0;
        }
        String other = node.inputs().get(node.inputs().getFirst().equals(operand) ? 1 : 0);
        double[] c = index.smallConstant(other).orElse(null);
        if (c == null || c.length != 1 || !(c[0] > 0)) {
            return 0;
        }
        double headDim = node.opType().equals("Div") ? c[0] * c[0] : 1 / (c[0] * c[0]);
        long d = Math.round(headDim);
        boolean integral = d > 0 && Math.abs(headDim - d) < 1e-3 * d;
        return integral && hidden % d == 0 ? (int) (hidden / d) : 0;
    }

    /** Epsilon of every layer norm: the LayerNormalization attribute or the constant added before Sqrt. */
    private double layerNormEps() {
        Set<Float> found = new TreeSet<>();
        for (OnnxNode node : index.graph().nodes()) {
            if (node.opType().equals("LayerNormalization")) {
                found.add(node.attribute("epsilon").map(OnnxAttribute::f).orElse(1e-5f)); // the ONNX default
            } else if (node.opType().equals("Sqrt") && node.inputs().size() == 1) {
                index.producer(node.inputs().getFirst())
                        .filter(add -> add.opType().equals("Add") && add.inputs().size() == 2)
                        .flatMap(add -> scalar(add.inputs().get(0)).or(() -> scalar(add.inputs().get(1))))
                        .ifPresent(found::add);
            }
        }
        if (found.isEmpty()) {
            throw fail("no layer normalization (LayerNormalization node or Add of epsilon before Sqrt) was found in it");
        }
        if (found.size() > 1) {
            throw fail("its layer normalizations use different epsilons " + found);
        }
        // The float32 constant 1e-12 reads back as 9.9999998e-13; keep the decimal the model was configured with.
        return Double.parseDouble(Float.toString(found.iterator().next()));
    }

    private Optional<Float> scalar(String tensor) {
        return index.smallConstant(tensor).filter(v -> v.length == 1).map(v -> (float) v[0]);
    }

    /** The HF activation name, from the ops between the intermediate projection and the next MatMul. */
    private String activation() {
        String start = linears.get("encoder.layer.0.intermediate.dense.weight").output();
        Deque<String> frontier = new ArrayDeque<>(List.of(start));
        Set<String> seen = new HashSet<>(frontier);
        Set<String> ops = new HashSet<>();
        for (int depth = 0; depth < SEARCH_DEPTH && !frontier.isEmpty(); depth++) {
            Deque<String> next = new ArrayDeque<>();
            for (String tensor : frontier) {
                for (OnnxNode node : index.consumers(tensor)) {
                    String op = node.opType();
                    if (op.equals("Gelu") || op.equals("FastGelu") || op.equals("BiasGelu")) {
                        boolean tanh = op.equals("FastGelu")
                                || node.attribute("approximate").map(a -> a.s().equals("tanh")).orElse(false);
                        op = tanh ? "Tanh" : "Erf";
                    }
                    ops.add(op);
                    if (!op.equals("MatMul") && !op.equals("Gemm")) {
                        node.outputs().stream().filter(seen::add).forEach(next::add);
                    }
                }
            }
            frontier = next;
        }
        if (ops.contains("Erf")) {
            return "gelu";
        }
        if (ops.contains("Tanh")) {
            return "gelu_new";
        }
        if (ops.contains("Relu")) {
            return "relu";
        }
        throw fail("the activation after encoder.layer.0.intermediate.dense is not one headwise knows (GELU or ReLU); it uses " + new TreeSet<>(ops));
    }

    private void checkShapes(Map<String, OnnxTensor> tensors, BertShape s) {
        long h = s.hiddenSize();
        for (OnnxTensor t : tensors.values()) {
            String n = t.name();
            long[] expected;
            if (n.equals(WORD_EMBEDDINGS)) {
                expected = new long[] {s.vocabSize(), h};
            } else if (n.equals("embeddings.position_embeddings.weight")) {
                expected = new long[] {s.maxPositions(), h};
            } else if (n.equals("embeddings.token_type_embeddings.weight")) {
                expected = new long[] {s.typeVocabSize(), h};
            } else if (n.contains("intermediate.dense")) {
                expected = n.endsWith(".weight") ? new long[] {s.intermediateSize(), h} : new long[] {s.intermediateSize()};
            } else if (n.matches(".*\\.output\\.dense\\.weight") && !n.contains("attention")) {
                expected = new long[] {h, s.intermediateSize()};
            } else if (isLinearWeight(n)) {
                expected = new long[] {h, h};
            } else {
                expected = new long[] {h};
            }
            if (!Arrays.equals(t.shape(), expected)) {
                throw fail("its tensor " + n + " has shape " + Arrays.toString(t.shape()) + " where "
                        + Arrays.toString(expected) + " was expected");
            }
        }
    }

    private HeadwiseException fail(String why) {
        return new HeadwiseException("Cannot import the BERT encoder from " + source + ": " + why + ".");
    }
}
