package dev.headwise.model;

import dev.headwise.Task;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;
import java.util.SplittableRandom;

/** Small models and generated batches shared by the engine tests. */
public final class TinyModels {
    private TinyModels() {}

    public static final Device CPU = new Device("cpu");

    public static ModelConfig distilbert() {
        return ModelConfig.distilbertBase().withSize(50, 16, 2, 4, 32, 24);
    }

    public static ModelConfig bert() {
        return new ModelConfig(Architecture.BERT, 50, 16, 2, 4, 32, 24, 2, 0.1, 0.1, 0.1,
                Activation.GELU, 1e-12, 0.02, 0, false);
    }

    /** RoBERTa of the same size: one token type, positions counted from the pad id 1 (so 22 tokens at most). */
    public static ModelConfig roberta() {
        return new ModelConfig(Architecture.ROBERTA, 50, 16, 2, 4, 32, 24, 1, 0.1, 0.1, 0.1,
                Activation.GELU, 1e-5, 0.02, 1, false);
    }

    /** XLNet of the same size, with pad id 0 as the tiny batches use, and relative distances clamped at 6. */
    public static ModelConfig xlnet() {
        return new ModelConfig(Architecture.XLNET, 50, 16, 2, 4, 32, Integer.MAX_VALUE, 0, 0.1, 0.1, 0.1,
                Activation.GELU, 1e-12, 0.02, 0, false, 6, 0.1);
    }

    /** The tiny config of each architecture. */
    public static ModelConfig of(Architecture a) {
        return switch (a) {
            case DISTILBERT -> distilbert();
            case BERT -> bert();
            case ROBERTA -> roberta();
            case XLNET -> xlnet();
        };
    }

    public static Heads heads(Task task) {
        return switch (task) {
            case MULTICLASS -> Heads.single(task, List.of("a", "b", "c"));
            case BINARY -> Heads.single(task, List.of("neg", "pos"));
            case MULTILABEL -> Heads.single(task, List.of("x", "y", "z", "w"));
            case HIERARCHICAL -> new Heads(task, List.of(new Heads.Level("level1", List.of("p", "q")),
                    new Heads.Level("level2", List.of("p1", "p2", "q1"))));
        };
    }

    /** Random token ids (B, T) avoiding the pad id 0, with rows of varying length padded by 0. */
    public static Tensor[] batch(long seed, int b, int t, int vocab) {
        var rnd = new SplittableRandom(seed);
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        for (int i = 0; i < b; i++) {
            int len = i == 0 ? t : 2 + rnd.nextInt(t - 1);
            for (int j = 0; j < len; j++) {
                ids[i * t + j] = 1 + rnd.nextInt(vocab - 1);
                mask[i * t + j] = 1;
            }
        }
        return new Tensor[]{Tensors.longs(ids, b, t), Tensors.longs(mask, b, t)};
    }

    /** A training batch for the tiny models' 50-token vocabulary: {@link #batch} with {@link #targets} drawn from seed + 1. */
    public static ModelInput input(Heads heads, long seed, int b, int t) {
        Tensor[] x = batch(seed, b, t, 50);
        return new ModelInput(x[0], x[1], null, targets(heads, seed + 1, b, torch.ScalarType.Float));
    }

    /** Random targets of the right shape and dtype for a task. */
    public static Tensor targets(Heads heads, long seed, int b, torch.ScalarType floatType) {
        var rnd = new SplittableRandom(seed);
        return switch (heads.task()) {
            case MULTICLASS -> {
                long[] y = new long[b];
                for (int i = 0; i < b; i++) y[i] = rnd.nextInt(heads.levels().getFirst().size());
                yield Tensors.longs(y, b);
            }
            case BINARY -> {
                float[] y = new float[b];
                for (int i = 0; i < b; i++) y[i] = rnd.nextInt(2);
                yield Tensors.floats(y, b).to(floatType);
            }
            case MULTILABEL -> {
                int n = heads.numLogits();
                float[] y = new float[b * n];
                for (int i = 0; i < y.length; i++) y[i] = rnd.nextInt(2);
                yield Tensors.floats(y, b, n).to(floatType);
            }
            case HIERARCHICAL -> {
                int levels = heads.levels().size();
                long[] y = new long[b * levels];
                for (int i = 0; i < b; i++) {
                    for (int l = 0; l < levels; l++) y[i * levels + l] = rnd.nextInt(heads.levels().get(l).size());
                }
                yield Tensors.longs(y, b, levels);
            }
        };
    }
}
