package dev.headwise.infer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.headwise.cli.Main;
import dev.headwise.model.ModelInput;
import dev.headwise.model.Tensors;
import dev.headwise.tokenize.Encoding;
import dev.headwise.weights.onnx.BundledModels;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.InferenceMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The imported all-MiniLM-L6-v2 encoder against ONNX Runtime running the original .onnx file on the same
 * token ids: an independent implementation of the same network.
 */
class MiniLmParityTest {
    static final List<String> TEXTS = List.of(
            "Hello world",
            "The quick brown fox jumps over the lazy dog.",
            "",
            "a",
            "Subject: RE: your invoice #4411 -- please see attached",
            "Ünïcödé wörds, accents: café, naïve, São Paulo",
            "東京は日本の首都です。",
            "emoji 🎉🚀 and symbols ©®™ ≠ ∑",
            "שלום עולם — right to left",
            "Numbers: 3.14159, 2,718, 1e-10, -42, $1,000,000.00",
            "URLs like https://example.org/path?q=1&r=2 and mail@example.com",
            "   lots   of     whitespace\t\tand\nnewlines\n\n",
            "ALL CAPS SHOUTING TEXT FOR NO REASON",
            "repeated repeated repeated repeated repeated repeated repeated",
            "Free!!! Click here to claim your $$$ prize now, limited offer!!!",
            "def f(x): return x ** 2  # some code",
            "<html><body><p>markup left in text</p></body></html>",
            "Mixed LANGUAGE: bonjour, hola, hallo, ciao, привет",
            "A much longer text that goes on for a while so that the padded batch has rows of very different "
                    + "lengths, which exercises the attention mask on padding positions in every layer of the encoder.",
            "short",
            "The meeting was moved to Thursday at 10am; bring the quarterly figures.",
            "x".repeat(2000));

    static OrtEnvironment env;
    static OrtSession session;
    static LoadedModel model;

    @BeforeAll
    static void load(@TempDir Path dir) throws Exception {
        assertEquals(0, Main.commandLine().execute("import", "--bundled", "all-minilm-l6-v2", "--out", dir.toString()));
        model = LoadedModel.encoder(dir, new Device("cpu"));
        env = OrtEnvironment.getEnvironment();
        var options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        session = env.createSession(BundledModels.ALL_MINILM_L6_V2.readOnnx(), options);
    }

    @AfterAll
    static void close() throws Exception {
        session.close();
        model.close();
    }

    @Test
    void eachTextAloneMatchesOnnxRuntime() throws Exception {
        double worst = 0;
        for (String text : TEXTS) worst = Math.max(worst, maxDiff(List.of(text)));
        System.out.printf("MiniLM parity, one text at a time: max |diff| = %.3g%n", worst);
        assertTrue(worst <= 1e-4, "max abs difference " + worst);
    }

    @Test
    void paddedBatchMatchesOnnxRuntime() throws Exception {
        double worst = maxDiff(TEXTS);
        System.out.printf("MiniLM parity, padded batch of %d: max |diff| = %.3g%n", TEXTS.size(), worst);
        assertTrue(worst <= 1e-4, "max abs difference " + worst);
    }

    /** Largest |headwise - ORT| over the real (unpadded) tokens of the last hidden state. */
    private static double maxDiff(List<String> texts) throws Exception {
        List<Encoding> enc = model.tokenizer().encodeBatch(texts, 128);
        int b = enc.size();
        int t = enc.stream().mapToInt(e -> e.ids().length).max().orElseThrow();
        float[] ours;
        long[] ids;
        long[] mask;
        try (var scope = new PointerScope(); var mode = new InferenceMode()) {
            ModelInput in = Inputs.pad(enc, model.padding(), model.model().device());
            ids = toLongs(in.ids());
            mask = toLongs(in.mask());
            ours = Tensors.toFloats(model.model().hidden(in.ids(), in.mask(), in.typeIds(), false));
        }
        long[] shape = {b, t};
        try (var idsT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             var maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             var typesT = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[b * t]), shape);
             var result = session.run(Map.of("input_ids", idsT, "attention_mask", maskT, "token_type_ids", typesT))) {
            float[][][] theirs = (float[][][]) result.get(0).getValue();
            int h = theirs[0][0].length;
            double worst = 0;
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) {
                    if (mask[i * t + j] == 0) continue;
                    for (int k = 0; k < h; k++) {
                        worst = Math.max(worst, Math.abs(ours[(i * t + j) * h + k] - theirs[i][j][k]));
                    }
                }
            }
            return worst;
        }
    }

    private static long[] toLongs(org.bytedeco.pytorch.Tensor x) {
        long[] out = new long[(int) x.numel()];
        x.contiguous().data_ptr_long().get(out);
        return out;
    }
}
