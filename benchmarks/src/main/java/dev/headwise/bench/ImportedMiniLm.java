package dev.headwise.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.headwise.Task;
import dev.headwise.io.AtomicFiles;
import dev.headwise.model.Heads;
import dev.headwise.model.Import;
import dev.headwise.model.InferencePrecision;
import dev.headwise.model.LinearBackend;
import dev.headwise.model.ModelFiles;
import dev.headwise.model.TextClassifier;
import dev.headwise.weights.onnx.BundledModels;
import org.bytedeco.pytorch.Device;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The bundled all-MiniLM-L6-v2 twice: imported into headwise with a 2-label head, and as an ONNX Runtime session. */
@State(Scope.Benchmark)
public class ImportedMiniLm {
    TextClassifier model;
    OrtEnvironment env;
    OrtSession session;
    private Path dir;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        int threads = org.bytedeco.pytorch.global.torch.get_num_threads();
        dir = Files.createTempDirectory("headwise-jmh-");
        Path out = dir.resolve("minilm");
        Import.bundled(BundledModels.ALL_MINILM_L6_V2, out, false);
        model = ModelFiles.fromPretrained(out, Heads.single(Task.MULTICLASS, List.of("a", "b")), new Device("cpu")).model();
        model.useLinearBackend(LinearBackend.forInference(InferencePrecision.FP32));  // as Classifier.load does
        env = OrtEnvironment.getEnvironment();
        session = OrtCall.session(env, BundledModels.ALL_MINILM_L6_V2.readOnnx(), threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, OrtException {
        session.close();
        AtomicFiles.deleteTree(dir);
    }

    /** A forward pass of {@code engine} ("headwise" or "ort") on fixed random ids, inputs built here. */
    EngineCall call(String engine, int rows, int seq) throws OrtException {
        long[] ids = RandomTokens.ids(11, rows, seq, model.config().model().vocabSize());
        return engine.equals("ort") ? new OrtCall(env, session, ids, rows, seq)
                : new HeadwiseCall(model, ids, rows, seq, InferBench.GradMode.INFERENCE_MODE);
    }
}
