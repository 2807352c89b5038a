package dev.headwise.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.headwise.HeadwiseException;

/**
 * How to split a dataset: fractions for evaluation and test (the rest trains), the seed, and whether to keep
 * class proportions (by class, full hierarchical path, or multi-label set).
 */
public record SplitSpec(@JsonProperty("eval_fraction") double evalFraction,
                        @JsonProperty("test_fraction") double testFraction,
                        @JsonProperty("seed") long seed,
                        @JsonProperty("stratified") boolean stratified) {
    public SplitSpec {
        if (!(evalFraction >= 0 && testFraction >= 0 && evalFraction + testFraction < 1)) {
            throw new HeadwiseException("The eval and test fractions must be at least 0 and sum to less than 1; got "
                    + evalFraction + " and " + testFraction + ".");
        }
    }
}
