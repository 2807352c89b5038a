package dev.headwise.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Precision, recall, F1 and support of one class or label (0 where a ratio has a zero denominator). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClassStats(@JsonProperty("label") String label, @JsonProperty("precision") double precision,
                         @JsonProperty("recall") double recall, @JsonProperty("f1") double f1,
                         @JsonProperty("support") int support, @JsonProperty("roc_auc") Double rocAuc) {

    static ClassStats of(String label, long tp, long fp, long fn, Double rocAuc) {
        return new ClassStats(label, ratio(tp, tp + fp), ratio(tp, tp + fn), f1(tp, fp, fn), Math.toIntExact(tp + fn), rocAuc);
    }

    static double f1(long tp, long fp, long fn) {
        return ratio(2 * tp, 2 * tp + fp + fn);
    }

    static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }
}
