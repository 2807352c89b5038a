package dev.headwise.model;

import dev.headwise.Task;
import dev.headwise.HeadwiseException;
import org.bytedeco.pytorch.BCEWithLogitsLossOptions;
import org.bytedeco.pytorch.CrossEntropyLossOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The training loss of each task, and the matching probabilities.
 * Targets: multiclass (B) int64; binary (B) float 0/1; multilabel (B, n) float multi-hot;
 * hierarchical (B, L) int64, one class per level.
 */
public final class Loss {
    private final Heads heads;
    private final Tensor classWeights; // multiclass, or null
    private final float[] classWeightValues;
    private final Tensor posWeight;    // binary / multilabel, or null
    private final double[] levelWeights;

    /**
     * @param options optional weights; each must match the heads' sizes
     */
    public Loss(Heads heads, LossOptions options) {
        this.heads = heads;
        this.classWeights = check(options.classWeights(), heads.task() == Task.MULTICLASS,
                heads.levels().getFirst().size(), "class weights");
        this.classWeightValues = classWeights == null ? null : options.classWeights().clone();
        this.posWeight = check(options.posWeight(), heads.task() == Task.BINARY || heads.task() == Task.MULTILABEL,
                heads.numLogits(), "pos_weight");
        double[] lw = options.levelWeights();
        if (lw != null && (heads.task() != Task.HIERARCHICAL || lw.length != heads.levels().size())) {
            throw new HeadwiseException("level weights need a hierarchical model with " + lw.length + " levels.");
        }
        this.levelWeights = lw;
    }

    /** Optional loss weights, as in torch's losses. Null means none. */
    public record LossOptions(float[] classWeights, float[] posWeight, double[] levelWeights) {
        public static final LossOptions NONE = new LossOptions(null, null, null);
    }

    /** Mean loss over the batch, a scalar tensor. */
    public Tensor compute(Tensor logits, Tensor targets) {
        return switch (heads.task()) {
            case MULTICLASS -> crossEntropy(logits, targets, classWeights);
            case BINARY -> bce(logits.squeeze(1), targets);
            case MULTILABEL -> bce(logits, targets);
            case HIERARCHICAL -> {
                Tensor total = null;
                for (int l = 0; l < heads.levels().size(); l++) {
                    Tensor part = crossEntropy(levelLogits(logits, l), targets.select(1, l), null);
                    if (levelWeights != null) part = part.mul(new org.bytedeco.pytorch.Scalar(levelWeights[l]));
                    total = total == null ? part : total.add(part);
                }
                yield total;
            }
        };
    }

    /**
     * What an example adds to the denominator of the batch's mean loss: its class's weight with class
     * weights (torch's weighted mean divides by their sum), else 1. A share of a batch with the sum of its
     * examples' values over the batch's has, times its own mean loss, its part of the batch's.
     */
    public double meanWeight(int classId) {
        return classWeightValues == null ? 1 : classWeightValues[classId];
    }

    /** True when {@link #meanWeight} depends on the class. */
    public boolean weighsClasses() {
        return classWeightValues != null;
    }

    /** Probabilities shaped like the logits: softmax per level, sigmoid for binary and multi-label. */
    public static Tensor probabilities(Heads heads, Tensor logits) {
        return switch (heads.task()) {
            case BINARY, MULTILABEL -> torch.sigmoid(logits);
            case MULTICLASS -> torch.softmax(logits, 1);
            case HIERARCHICAL -> {
                var parts = new org.bytedeco.pytorch.TensorVector();
                for (int l = 0; l < heads.levels().size(); l++) {
                    parts.push_back(torch.softmax(logits.narrow(1, heads.offset(l), heads.levels().get(l).size()), 1));
                }
                yield torch.cat(parts, 1);
            }
        };
    }

    private Tensor levelLogits(Tensor logits, int level) {
        return logits.narrow(1, heads.offset(level), heads.levels().get(level).size());
    }

    private static Tensor crossEntropy(Tensor logits, Tensor target, Tensor weight) {
        var opts = new CrossEntropyLossOptions();
        if (weight != null) opts.weight().put(weight.to(logits.device(), logits.scalar_type()));
        return torch.cross_entropy(logits, target, opts);
    }

    private Tensor bce(Tensor logits, Tensor target) {
        var opts = new BCEWithLogitsLossOptions();
        if (posWeight != null) opts.pos_weight().put(posWeight.to(logits.device(), logits.scalar_type()));
        return torch.binary_cross_entropy_with_logits(logits, target, opts);
    }

    private static Tensor check(float[] w, boolean applies, int size, String what) {
        if (w == null) return null;
        if (!applies) throw new HeadwiseException(what + " do not apply to this task.");
        if (w.length != size) throw new HeadwiseException(what + " need " + size + " values, got " + w.length + ".");
        for (float v : w) {
            if (!(v >= 0) || Float.isInfinite(v)) throw new HeadwiseException(what + " must be finite and >= 0.");
        }
        return Tensors.floats(w, w.length);
    }
}
