package dev.headwise.train;

import dev.headwise.distributed.Collectives;
import dev.headwise.model.ModelInput;
import dev.headwise.model.Loss;
import dev.headwise.model.Precision;
import dev.headwise.model.TextClassifier;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Forward, backward and update for one model, loss and optimizer. Gradients accumulate in the flat
 * gradient buffer across {@link #accumulate} calls until {@link #update} applies and clears them; with
 * several processes, {@link #update} first sums the trainable part of that buffer over all ranks in one
 * all-reduce (each rank weighted its losses by its share of the global batch, so the sum is the global
 * batch's gradient). Callers run each call inside a {@code PointerScope} so the step's temporaries are freed at once.
 */
public final class TrainingStep {
    private final TextClassifier model;
    private final Loss loss;
    private final AdamW optimizer;
    private final double maxGradNorm;
    private final Precision precision;
    private final Collectives group;
    private long syncNanos;

    /** {@code maxGradNorm} <= 0 disables clipping. */
    public TrainingStep(TextClassifier model, Loss loss, AdamW optimizer, double maxGradNorm) {
        this(model, loss, optimizer, maxGradNorm, Precision.FP32);
    }

    /** With bf16 autocast around forward and loss when {@code precision} is BF16 (weights stay fp32). */
    public TrainingStep(TextClassifier model, Loss loss, AdamW optimizer, double maxGradNorm, Precision precision) {
        this(model, loss, optimizer, maxGradNorm, precision, Collectives.SINGLE);
    }

    /** With the gradients summed over {@code group}'s ranks before each update. */
    public TrainingStep(TextClassifier model, Loss loss, AdamW optimizer, double maxGradNorm, Precision precision,
                        Collectives group) {
        this.model = model;
        this.group = group;
        this.loss = loss;
        this.optimizer = optimizer;
        this.maxGradNorm = maxGradNorm;
        this.precision = precision;
    }

    /**
     * Adds {@code weight} x this batch's loss gradient (weight 1/k for k accumulated batches) and returns
     * the unweighted loss as a detached scalar tensor (reading it is a device sync; do it only to log).
     */
    public Tensor accumulate(ModelInput batch, double weight) {
        Tensor l;
        try (var autocast = precision.autocast(model.device())) {
            l = loss.compute(model.logits(batch.ids(), batch.mask(), batch.typeIds(), true), batch.targets());
        }
        (weight == 1.0 ? l : l.mul(new Scalar(weight))).backward();
        return l.detach();
    }

    /**
     * Clips, applies one AdamW update at learning rate {@code lr} (and tells the model its weights changed),
     * clears the gradients. Returns the grad norm or null.
     */
    public Tensor update(double lr) {
        if (group.size() > 1) {
            long start = System.nanoTime();
            // One all-reduce of the whole trainable range: 1 to 16 buckets all ran alike (docs/distributed.md).
            group.allReduceSum(optimizer.trainableGradients());
            syncNanos += System.nanoTime() - start;
        }
        Tensor norm = maxGradNorm > 0 ? optimizer.clipGradNorm(maxGradNorm) : null;
        optimizer.step(lr);
        model.weightsChanged();
        model.parameters().zeroGrad();
        return norm;
    }

    /** Seconds spent in gradient all-reduces so far. */
    public double syncSeconds() {
        return syncNanos / 1e9;
    }
}
