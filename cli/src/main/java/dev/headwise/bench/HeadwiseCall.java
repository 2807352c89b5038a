package dev.headwise.bench;

import dev.headwise.model.Tensors;
import dev.headwise.model.TextClassifier;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/** Classifier logits for fixed token ids, copied back to Java as a caller would. */
final class HeadwiseCall implements EngineCall {
    private final TextClassifier model;
    private final Tensor ids;
    private final Tensor mask;
    private final InferBench.GradMode mode;

    /** {@code ids}: rows x seq token ids, row-major; every token attended to. */
    HeadwiseCall(TextClassifier model, long[] ids, int rows, int seq, InferBench.GradMode mode) {
        this.model = model;
        this.ids = Tensors.longs(ids, rows, seq);
        this.mask = Tensors.longs(RandomTokens.fullMask(rows, seq), rows, seq);
        this.mode = mode;
    }

    @Override
    public void call() {
        try (var scope = new PointerScope();
             Pointer guard = mode == InferBench.GradMode.INFERENCE_MODE ? new InferenceMode() : new NoGradGuard()) {
            Tensors.toFloats(model.logits(ids, mask, null, false));
        }
    }

    @Override
    public void close() {
        ids.close();
        mask.close();
    }
}
