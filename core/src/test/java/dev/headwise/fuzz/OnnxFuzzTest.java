package dev.headwise.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.headwise.HeadwiseException;
import dev.headwise.weights.onnx.BertOnnxImporter;
import dev.headwise.weights.onnx.OnnxGraph;
import dev.headwise.weights.onnx.TensorProto;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the ONNX reader and the BERT importer on one input: the graph must parse with readable
 * initializers, and the import must succeed, or either must fail with a {@link HeadwiseException}.
 */
class OnnxFuzzTest {
    private static final int QUICK_RUNS = 3000;

    @FuzzTest
    void model(byte[] bytes) {
        try {
            OnnxGraph graph = OnnxGraph.parse(bytes, "fuzz.onnx");
            graph.initializers().values().forEach(OnnxFuzzTest::touch);
            graph.nodes().forEach(node -> node.attributes().values().forEach(a -> {
                if (a.t() != null) {
                    touch(a.t());
                }
            }));
        } catch (HeadwiseException expected) {
            return;
        }
        try {
            BertOnnxImporter.importEncoder(bytes, "fuzz.onnx");
        } catch (HeadwiseException expected) {
            // most mutants are valid ONNX but no longer a BERT encoder
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void modelMutants() {
        QuickFuzz.run(getClass(), "model", QUICK_RUNS, this::model);
    }

    /** Decodes the values the way the importer would, which must agree with the validated shape. */
    private static void touch(TensorProto tensor) {
        if (tensor.isFloatingPoint()) {
            tensor.toFloats();
        } else if (tensor.isInteger()) {
            tensor.toLongs();
        }
    }
}
