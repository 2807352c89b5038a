package dev.headwise.train;

import dev.headwise.HeadwiseException;

import java.util.Locale;

/**
 * Learning rate per optimizer step as HF's {@code get_scheduler}: linear warmup from 0, then linear or
 * cosine decay to 0 at the last step (or constant). Step s is the (s+1)-th update, so with warmup the very
 * first update uses lr 0, exactly as in transformers.
 */
public record LrSchedule(Kind kind, double peak, long warmupSteps, long totalSteps) {

    public enum Kind {
        LINEAR, COSINE, CONSTANT;

        public static Kind parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new HeadwiseException("unknown schedule '" + s + "'; use linear, cosine or constant.");
            }
        }
    }

    public LrSchedule {
        if (!(peak > 0)) throw new HeadwiseException("the learning rate must be positive, got " + peak + ".");
        if (totalSteps < 1) throw new HeadwiseException("training needs at least one step.");
        if (warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new HeadwiseException("warmup of " + warmupSteps + " steps does not fit " + totalSteps + " steps.");
        }
    }

    public double at(long step) {
        if (step < warmupSteps) return peak * step / Math.max(1, warmupSteps);
        if (kind == Kind.CONSTANT) return peak;
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return switch (kind) {
            case LINEAR -> peak * Math.max(0.0, 1.0 - progress);
            case COSINE -> peak * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
            case CONSTANT -> peak;
        };
    }
}
