package dev.headwise.model;

import dev.headwise.Task;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bf16 autocast on the CPU: matmuls really run in bfloat16, results stay close to fp32, weights stay fp32. */
class PrecisionTest {
    @Test
    void bf16AutocastRunsInBfloat16AndStaysCloseToFp32() {
        torch.manual_seed(5);
        var model = TextClassifier.create(new ClassifierConfig(TinyModels.bert(), TinyModels.heads(Task.MULTICLASS)),
                TinyModels.CPU);
        Tensor[] x = TinyModels.batch(2, 4, 10, 50);
        try (var scope = new PointerScope(); var mode = new InferenceMode()) {
            float[] fp32 = Tensors.toFloats(model.hidden(x[0], x[1], null, false));
            Tensor h;
            try (var autocast = Precision.BF16.autocast(TinyModels.CPU)) {
                h = model.hidden(x[0], x[1], null, false);
                assertTrue(torch.is_autocast_enabled(torch.DeviceType.CPU));
            }
            assertFalse(torch.is_autocast_enabled(torch.DeviceType.CPU), "closing restores the previous state");
            float[] bf16 = Tensors.toFloats(h);
            double worst = 0;
            double differs = 0;
            for (int i = 0; i < fp32.length; i++) {
                worst = Math.max(worst, Math.abs(fp32[i] - bf16[i]));
                differs = Math.max(differs, fp32[i] == bf16[i] ? 0 : 1);
            }
            assertEquals(1.0, differs, "bf16 matmuls round differently from fp32");
            assertTrue(worst < 0.1, "bf16 hidden states within 0.1 of fp32, got " + worst);
            assertEquals(torch.ScalarType.Float.value, model.parameters().flat().scalar_type().value, "master weights stay fp32");
        }
    }
}
