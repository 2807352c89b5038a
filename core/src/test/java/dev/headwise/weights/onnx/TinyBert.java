package dev.headwise.weights.onnx;

import java.util.ArrayList;
import java.util.List;

import static dev.headwise.weights.onnx.Onnx.floatTensor;
import static dev.headwise.weights.onnx.Onnx.node;

/**
 * Test helper: writes a tiny BERT encoder in the structure {@code torch.onnx.export} gives HF models
 * (anonymous [in, out] MatMul weights, named biases added after them, decomposed or fused LayerNorm),
 * with known HF-layout values from {@link #hfValues}.
 *
 * @param layerNormNode fused LayerNormalization nodes instead of the decomposed pattern
 * @param reshape how the query is split into heads: "concat" (Concat of constants, like torch), "initializer"
 *     (a constant shape tensor) or "none" (heads only recoverable from the score scaling)
 * @param activation "gelu" (Erf pattern), "gelu_tanh" (Gelu op, approximate=tanh) or "relu"
 * @param pooler whether to add a Gemm pooler
 * @param fp16 whether float weights are stored as float16
 */
record TinyBert(int layers, int hidden, int heads, int intermediate, int vocab, int positions, int types, float eps,
                boolean layerNormNode, String reshape, String activation, boolean pooler, boolean fp16) {

    static TinyBert standard() {
        return new TinyBert(2, 4, 2, 6, 7, 5, 2, 1e-12f, false, "concat", "gelu", false, false);
    }

    TinyBert withVariant(boolean layerNormNode, String reshape, String activation, boolean pooler, boolean fp16) {
        return new TinyBert(layers, hidden, heads, intermediate, vocab, positions, types, eps, layerNormNode, reshape,
                activation, pooler, fp16);
    }

    /**
     * The HF-layout values of a parameter: distinct within the tensor and exact in float16, so any
     * transposition or conversion slip shows.
     */
    static float[] hfValues(String hfName, long... shape) {
        int count = 1;
        for (long d : shape) {
            count *= (int) d;
        }
        float base = Math.floorMod(hfName.hashCode(), 16);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = base + i / 16f;
        }
        return v;
    }

    byte[] build() {
        return new Writer().write();
    }

    private final class Writer {
        private final List<ProtoWriter> nodes = new ArrayList<>();
        private final List<ProtoWriter> initializers = new ArrayList<>();
        private int counter;

        byte[] write() {
            String word = param("embeddings.word_embeddings.weight", vocab, hidden);
            String pos = param("embeddings.position_embeddings.weight", positions, hidden);
            String type = param("embeddings.token_type_embeddings.weight", types, hidden);
            String e = op("Add", op("Gather", word, "input_ids"), op("Gather", type, "token_type_ids"));
            e = op("Add", e, op("Gather", pos, "position_ids"));
            String x = layerNorm("embeddings.LayerNorm", e);
            for (int l = 0; l < layers; l++) {
                x = layer("encoder.layer." + l + ".", x);
            }
            nodes.add(node("Identity", List.of(x), List.of("last_hidden_state")));
            List<String> outputs = new ArrayList<>(List.of("last_hidden_state"));
            if (pooler) {
                String first = op("Gather", x, constant(0f));
                String dense = fresh("pooler");
                nodes.add(node("Gemm", List.of(first, param("pooler.dense.weight", hidden, hidden),
                        param("pooler.dense.bias", hidden)), List.of(dense), Onnx.intAttr("transB", 1)));
                nodes.add(node("Tanh", List.of(dense), List.of("pooler_output")));
                outputs.add("pooler_output");
            }
            return Onnx.model(nodes, initializers, List.of("input_ids", "attention_mask", "token_type_ids"), outputs);
        }

        private String layer(String p, String x) {
            String q = linear(p + "attention.self.query", x, hidden, hidden);
            String k = linear(p + "attention.self.key", x, hidden, hidden);
            String v = linear(p + "attention.self.value", x, hidden, hidden);
            int headDim = hidden / heads;
            String scores = switch (reshape) {
                case "concat" -> op("MatMul", split(q, op("Concat", "batch", "seq", intConstant(heads), intConstant(headDim))),
                        split(k, op("Concat", "batch", "seq", intConstant(heads), intConstant(headDim))));
                case "initializer" -> {
                    String shape = fresh("shape");
                    initializers.add(Onnx.int64Tensor(shape, 0, 0, heads, headDim));
                    yield op("MatMul", split(q, shape), split(k, shape));
                }
                default -> op("MatMul", q, k);
            };
            String probs = op("Softmax", op("Div", scores, constant((float) Math.sqrt(headDim))));
            String context = op("MatMul", probs, v);
            String attention = layerNorm(p + "attention.output.LayerNorm",
                    op("Add", linear(p + "attention.output.dense", context, hidden, hidden), x));
            String inner = linear(p + "intermediate.dense", attention, hidden, intermediate);
            String activated = switch (activation) {
                case "gelu" -> op("Mul", op("Mul", inner, op("Add", op("Erf", op("Div", inner, constant((float) Math.sqrt(2)))),
                        constant(1f))), constant(0.5f));
                case "gelu_tanh" -> {
                    String out = fresh("gelu");
                    nodes.add(node("Gelu", List.of(inner), List.of(out),
                            new ProtoWriter().string(1, "approximate").string(4, "tanh").varint(20, 3)));
                    yield out;
                }
                default -> op("Relu", inner);
            };
            return layerNorm(p + "output.LayerNorm", op("Add", linear(p + "output.dense", activated, intermediate, hidden), attention));
        }

        private String split(String projection, String shape) {
            return op("Transpose", op("Reshape", projection, shape));
        }

        /** MatMul by the anonymous [in, out] weight, then Add with the named bias first, as torch exports it. */
        private String linear(String module, String x, int in, int out) {
            float[] hf = hfValues(module + ".weight", out, in);
            String weight = "onnx::MatMul_" + (700 + counter++);
            float[] stored = new float[hf.length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    stored[i * out + o] = hf[o * in + i];
                }
            }
            initializers.add(tensor(weight, new long[] {in, out}, stored));
            return op("Add", param(module + ".bias", out), op("MatMul", x, weight));
        }

        private String layerNorm(String module, String x) {
            String weight = param(module + ".weight", hidden);
            String bias = param(module + ".bias", hidden);
            if (layerNormNode) {
                String out = fresh("ln");
                nodes.add(node("LayerNormalization", List.of(x, weight, bias), List.of(out),
                        Onnx.floatAttr("epsilon", eps), Onnx.intAttr("axis", -1)));
                return out;
            }
            String centered = op("Sub", x, op("ReduceMean", x));
            String variance = op("ReduceMean", op("Pow", centered, constant(2f)));
            String normalized = op("Div", centered, op("Sqrt", op("Add", variance, constant(eps))));
            return op("Add", op("Mul", normalized, weight), bias);
        }

        private String param(String hfName, long... shape) {
            initializers.add(tensor(hfName, shape, hfValues(hfName, shape)));
            return hfName;
        }

        private ProtoWriter tensor(String name, long[] shape, float[] values) {
            return fp16 ? Onnx.float16Tensor(name, shape, values) : floatTensor(name, shape, values);
        }

        private String constant(float value) {
            String out = fresh("const");
            nodes.add(node("Constant", List.of(), List.of(out), Onnx.tensorAttr("value", floatTensor("", new long[0], new float[] {value}))));
            return out;
        }

        private String intConstant(long value) {
            String out = fresh("const");
            nodes.add(node("Constant", List.of(), List.of(out), Onnx.tensorAttr("value", Onnx.int64Tensor("", value))));
            return out;
        }

        private String op(String type, String... inputs) {
            String out = fresh(type);
            nodes.add(node(type, List.of(inputs), List.of(out)));
            return out;
        }

        private String fresh(String hint) {
            return "/" + hint + "_" + counter++ + "_output_0";
        }
    }
}
